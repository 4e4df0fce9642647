using System.Data.Common;
using MetaBackup.Core.Persistence;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Npgsql;

namespace MetaBackup.Data.Postgres;

/// <summary>
/// A connection that cannot be opened becomes <see cref="DatabaseUnavailableException"/>: what is wrong — no server
/// answers, the role or its password is refused — in words an operator can act on, instead of a driver exception. A
/// database that does not exist is left to EF Core, which reads it as "not created yet" (`init` creates it).
/// </summary>
internal sealed class UnavailableDatabase(string description) : DbConnectionInterceptor
{
    public override void ConnectionFailed(DbConnection connection, ConnectionErrorEventData eventData)
    {
        if (Translate(description, eventData.Exception) is { } unavailable)
        {
            throw unavailable;
        }
    }

    public override Task ConnectionFailedAsync(DbConnection connection, ConnectionErrorEventData eventData, CancellationToken cancellationToken = default)
    {
        ConnectionFailed(connection, eventData);
        return Task.CompletedTask;
    }

    /// <summary>The failure as an unavailable database, or null when it is not one (a missing database, not a connection failure).</summary>
    internal static DatabaseUnavailableException? Translate(string description, Exception failure) => failure switch
    {
        PostgresException { SqlState: PostgresErrorCodes.InvalidCatalogName } => null,
        PostgresException { SqlState: PostgresErrorCodes.InvalidPassword or PostgresErrorCodes.InvalidAuthorizationSpecification } =>
            new(description, "the server refused the role or its password", failure),
        // The server's own words name no password: it never sees one in a message.
        PostgresException postgres => new(description, $"the server answered {postgres.SqlState}: {postgres.MessageText}", failure),
        NpgsqlException => new(description, "no PostgreSQL server answered there (refused, unreachable or timed out)", failure),
        _ => null,
    };
}
