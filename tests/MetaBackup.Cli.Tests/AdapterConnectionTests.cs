using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

/// <summary>
/// Issue 9.11: `adapters test` works for every kind — after a restore it is how an operator checks that
/// the secrets came back. Each test runs against a real server on loopback: PostgreSQL, an HTTP endpoint
/// owned by the test, Python's SMTP server; a real SQLite file.
/// </summary>
public sealed class AdapterConnectionTests(PostgresFixture postgres) : IClassFixture<PostgresFixture>, IDisposable
{
    private readonly CliRunner _cli = new();

    public void Dispose() => _cli.Dispose();

    [Fact]
    public async Task A_postgres_source_connects_with_its_password_and_a_wrong_one_is_refused_without_showing_it()
    {
        var server = postgres.Require();
        await _cli.OkAsync("init");
        _cli.Environment["PG_PASSWORD"] = server.Password;
        _cli.Environment["WRONG"] = "not-the-password-123";
        var port = server.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await _cli.OkAsync("adapters", "add", "--kind", "database", "--type", "postgres", "--name", "prod", "--config", "host=127.0.0.1", "--config", $"port={port}",
            "--config", "database=postgres", "--config", $"username={PostgresServer.User}", "--secret", "password=env:PG_PASSWORD");
        await _cli.OkAsync("adapters", "add", "--kind", "database", "--type", "postgres", "--name", "wrong", "--config", "host=127.0.0.1", "--config", $"port={port}",
            "--config", "database=postgres", "--config", $"username={PostgresServer.User}", "--secret", "password=env:WRONG");

        var ok = JsonNode.Parse((await _cli.OkAsync("adapters", "test", "prod", "--json")).Out)!;
        var refused = await _cli.RunAsync("adapters", "test", "wrong");

        Assert.StartsWith($"connected to PostgreSQL at 127.0.0.1:{port}/postgres as {PostgresServer.User}: PostgreSQL 1", ok["checked"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("password authentication failed", refused.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("not-the-password-123", refused.All, StringComparison.Ordinal);
        Assert.DoesNotContain(server.Password, string.Join("\n", _cli.History.Select(h => h.All)), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_credential_profile_gives_the_password_an_adapter_leaves_unset()
    {
        var server = postgres.Require();
        await _cli.OkAsync("init");
        _cli.Environment["PG_PASSWORD"] = server.Password;
        await _cli.OkAsync("credentials", "add", "--name", "pg", "--username", PostgresServer.User, "--secret", "password=env:PG_PASSWORD");
        await _cli.OkAsync("adapters", "add", "--kind", "database", "--type", "postgres", "--name", "prod", "--config", "host=127.0.0.1",
            "--config", $"port={server.Port}", "--config", "database=postgres", "--credentials", "pg");

        await _cli.OkAsync("adapters", "test", "prod");
    }

    [Fact]
    public async Task A_sqlite_source_is_opened_read_only_and_a_missing_file_is_reported()
    {
        await _cli.OkAsync("init");
        var app = Path.Combine(_cli.WorkingDirectory, "app.db");
        using (var create = new Microsoft.Data.Sqlite.SqliteConnection($"Data Source={app};Pooling=False"))
        {
            create.Open();
            using var table = create.CreateCommand();
            table.CommandText = "CREATE TABLE orders (id INTEGER PRIMARY KEY)";
            table.ExecuteNonQuery();
        }

        await _cli.OkAsync("adapters", "add", "--kind", "database", "--type", "sqlite", "--name", "app", "--config", $"path={app}");
        await _cli.OkAsync("adapters", "add", "--kind", "database", "--type", "sqlite", "--name", "gone", "--config", $"path={_cli.WorkingDirectory}/gone.db");

        var ok = JsonNode.Parse((await _cli.OkAsync("adapters", "test", "app", "--json")).Out)!;
        var missing = await _cli.RunAsync("adapters", "test", "gone");

        Assert.Contains("read-only", ok["checked"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, missing.ExitCode);
        Assert.Contains("does not exist", missing.Err, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(_cli.WorkingDirectory, "gone.db")));
    }

    [Fact]
    public async Task A_webhook_gets_a_test_message_and_an_error_answer_names_the_host_but_never_the_url()
    {
        await _cli.OkAsync("init");
        var port = Repository.FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        var received = new List<string>();
        var serving = Task.Run(async () =>
        {
            while (listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }

                using var reader = new StreamReader(context.Request.InputStream);
                received.Add(context.Request.Url!.AbsolutePath + " " + await reader.ReadToEndAsync());
                context.Response.StatusCode = context.Request.Url.AbsolutePath.Contains("token-ok", StringComparison.Ordinal) ? 200 : 404;
                context.Response.Close();
            }
        });
        _cli.Environment["HOOK"] = $"http://127.0.0.1:{port}/hooks/token-ok";
        _cli.Environment["BAD_HOOK"] = $"http://127.0.0.1:{port}/hooks/secret-token-xyz";
        await _cli.OkAsync("adapters", "add", "--kind", "notification", "--type", "slack", "--name", "chat", "--secret", "webhookUrl=env:HOOK");
        await _cli.OkAsync("adapters", "add", "--kind", "notification", "--type", "webhook", "--name", "broken", "--secret", "url=env:BAD_HOOK");

        await _cli.OkAsync("adapters", "test", "chat");
        var refused = await _cli.RunAsync("adapters", "test", "broken");
        listener.Stop();
        await serving;

        var slack = received.Single(r => r.StartsWith("/hooks/token-ok ", StringComparison.Ordinal));
        Assert.StartsWith("MetaBackup test notification from adapter 'chat'", JsonNode.Parse(slack["/hooks/token-ok ".Length..])!["text"]!.GetValue<string>(), StringComparison.Ordinal);
        Assert.Equal(1, refused.ExitCode);
        Assert.Contains("answered 404", refused.Err, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1", refused.Err, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-token-xyz", refused.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_smtp_channel_connects_and_leaves_without_sending()
    {
        await _cli.OkAsync("init");
        var port = Repository.FreePort();
        using var smtp = Process.Start(new ProcessStartInfo("python3", ["-W", "ignore", "-m", "smtpd", "-n", "-c", "DebuggingServer", $"127.0.0.1:{port}"]) { RedirectStandardOutput = true, RedirectStandardError = true })!;
        try
        {
            await Repository.WaitForPortAsync(port, TimeSpan.FromSeconds(20));
            await _cli.OkAsync("adapters", "add", "--kind", "notification", "--type", "smtp", "--name", "mail", "--config", "host=127.0.0.1",
                "--config", $"port={port}", "--config", "security=none", "--config", "from=backup@example.com", "--config", "to=ops@example.com");

            var ok = JsonNode.Parse((await _cli.OkAsync("adapters", "test", "mail", "--json")).Out)!;

            Assert.Equal($"connected to SMTP server 127.0.0.1:{port} (none)", ok["checked"]!.GetValue<string>());
        }
        finally
        {
            smtp.Kill(entireProcessTree: true);
        }
    }

    [Fact]
    public async Task A_type_this_build_cannot_test_says_so_and_types_lists_what_is_testable()
    {
        await _cli.OkAsync("init");
        await _cli.OkAsync("adapters", "add", "--kind", "database", "--type", "mysql", "--name", "shop", "--config", "host=h", "--config", "database=shop");

        var result = await _cli.RunAsync("adapters", "test", "shop");
        var types = JsonNode.Parse((await _cli.OkAsync("adapters", "types", "--json")).Out)!.AsArray();

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("cannot test database/mysql adapters: this version includes no mysql driver", result.Err, StringComparison.Ordinal);
        Assert.False(types.Single(t => t!["type"]!.GetValue<string>() == "mysql")!["testable"]!.GetValue<bool>());
        Assert.True(types.Where(t => t!["kind"]!.GetValue<string>() != "database").All(t => t!["testable"]!.GetValue<bool>()));
    }
}
