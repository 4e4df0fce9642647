using MetaBackup.Core.Adapters;

namespace MetaBackup.Connections;

/// <summary>Every connection tester this project provides.</summary>
public static class ConnectionTesters
{
    public static IReadOnlyList<IConnectionTester> All { get; } =
        [new PostgresConnectionTester(), new SqliteConnectionTester(), new SmtpConnectionTester(), .. WebhookConnectionTester.All];
}
