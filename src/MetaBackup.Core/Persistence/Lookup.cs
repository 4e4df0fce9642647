using System.Linq.Expressions;
using MetaBackup.Core.Configuration;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Persistence;

/// <summary>Finds records the way the CLI names them: by id, else by natural key.</summary>
public static class Lookup
{
    /// <summary>The record whose id is <paramref name="reference"/>, else the one whose natural key matches; else <see cref="RecordNotFoundException"/>.</summary>
    public static async Task<T> FindAsync<T>(
        this IQueryable<T> records,
        string reference,
        Expression<Func<T, bool>> naturalKeyMatches,
        CancellationToken cancellationToken)
        where T : ConfigRecord =>
        await records.FirstOrDefaultAsync(r => r.Id == reference, cancellationToken)
        ?? await records.FirstOrDefaultAsync(naturalKeyMatches, cancellationToken)
        ?? throw new RecordNotFoundException(ConfigurationAreas.For<T>(), reference);

    /// <summary>Throws <see cref="DuplicateKeyException"/> when another record (not <paramref name="exceptId"/>) holds the natural key.</summary>
    public static async Task EnsureUniqueAsync<T>(
        this IQueryable<T> records,
        Expression<Func<T, bool>> naturalKeyMatches,
        string naturalKey,
        string? exceptId,
        CancellationToken cancellationToken)
        where T : ConfigRecord
    {
        if (await records.Where(naturalKeyMatches).AnyAsync(r => r.Id != exceptId, cancellationToken))
        {
            throw new DuplicateKeyException(ConfigurationAreas.For<T>(), naturalKey);
        }
    }
}
