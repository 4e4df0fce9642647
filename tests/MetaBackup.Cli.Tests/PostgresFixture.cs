using MetaBackup.Testing;

namespace MetaBackup.Cli.Tests;

/// <summary>One throwaway PostgreSQL cluster for the test classes that use it (<see cref="PostgresServer"/>).</summary>
public sealed class PostgresFixture : IAsyncLifetime
{
    public PostgresServer Server { get; } = new();

    public ValueTask InitializeAsync() => new(Server.StartAsync());

    public ValueTask DisposeAsync() => Server.DisposeAsync();

    /// <summary>Skips the calling test when PostgreSQL cannot run here.</summary>
    public PostgresServer Require()
    {
        Assert.SkipWhen(Server.SkipReason is not null, Server.SkipReason ?? "");
        return Server;
    }
}
