using MailKit;
using MailKit.Net.Smtp;
using MailKit.Security;
using MetaBackup.Core.Adapters;

namespace MetaBackup.Connections;

/// <summary>An SMTP notification channel: connect with its security mode, log in when it has a user and password, and leave without sending.</summary>
public sealed class SmtpConnectionTester : IConnectionTester
{
    public AdapterKind Kind => AdapterKind.Notification;

    public string Type => "smtp";

    public async Task<string> TestAsync(string adapterName, AdapterConfig config, CancellationToken cancellationToken)
    {
        var host = config.Text("host") ?? "";
        var security = config.Text("security") ?? "starttls";
        var port = int.TryParse(config.Text("port"), out var p) ? p : security == "tls" ? 465 : 587;
        var options = security switch
        {
            "none" => SecureSocketOptions.None,
            "tls" => SecureSocketOptions.SslOnConnect,
            _ => SecureSocketOptions.StartTls,
        };
        using var client = new SmtpClient { Timeout = 15_000 };
        try
        {
            await client.ConnectAsync(host, port, options, cancellationToken);
            var checkedWhat = $"connected to SMTP server {host}:{port} ({security})";
            if (config.Text("username") is { } user && config.Secret("password") is { } password)
            {
                await client.AuthenticateAsync(user, password.Reveal(), cancellationToken);
                checkedWhat += $", logged in as {user}";
            }

            await client.DisconnectAsync(quit: true, cancellationToken);
            return checkedWhat;
        }
        catch (Exception e) when (e is IOException or System.Net.Sockets.SocketException or SmtpCommandException or SmtpProtocolException or AuthenticationException or SslHandshakeException or ServiceNotConnectedException)
        {
            throw new ConnectionTestException($"Could not connect to notification adapter '{adapterName}' (SMTP {host}:{port}, {security}): {e.Message}", "Check the host, port, security mode and login.", e);
        }
    }
}
