using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Bench;

/// <summary>
/// Whether two configurations are equal as the import drills compare them: every record of every area, by id, every
/// field, and every secret's value (each opened under its own server's system key). Both are read as streams, in id
/// order, so a million records compare in flat memory.
/// </summary>
public static class ConfigurationComparison
{
    /// <summary>The first difference, or null when the configurations are equal.</summary>
    /// <param name="importedEnvironment">The environment the imported directory's CLI ran with (its PostgreSQL database), if any.</param>
    public static async Task<string?> FirstDifferenceAsync(string sourceDirectory, string importedDirectory, IReadOnlyDictionary<string, string>? importedEnvironment = null)
    {
        await using var source = await ConfigurationGenerator.Store(sourceDirectory).OpenAsync();
        await using var imported = await ConfigurationGenerator.Store(importedDirectory, generated: false, importedEnvironment).OpenAsync();
        foreach (var area in ConfigurationAreas.All)
        {
            await using var left = source.Db.RecordsOf(area).AsNoTracking().OrderBy(r => r.Id).AsAsyncEnumerable().GetAsyncEnumerator();
            await using var right = imported.Db.RecordsOf(area).AsNoTracking().OrderBy(r => r.Id).AsAsyncEnumerable().GetAsyncEnumerator();
            var count = 0;
            while (true)
            {
                var (hasLeft, hasRight) = (await left.MoveNextAsync(), await right.MoveNextAsync());
                if (hasLeft != hasRight)
                {
                    return $"{area.Name}: the {(hasLeft ? "source" : "import")} has more than {count} records";
                }

                if (!hasLeft)
                {
                    break;
                }

                count++;
                var (a, b) = (Text(area, left.Current, source.Secrets), Text(area, right.Current, imported.Secrets));
                if (a != b)
                {
                    return $"{area.Name} {left.Current.Id}: {a} ≠ {b}";
                }
            }
        }

        return null;
    }

    private static string Text(ConfigurationArea area, ConfigRecord record, SecretCipher cipher)
    {
        var json = SecretMasking.WithoutSecrets(area, record);
        foreach (var property in area.SecretProperties)
        {
            json["secret:" + property.Name] = property.GetValue(record) is EncryptedSecret secret ? cipher.Open(secret).Reveal() : null;
        }

        return json.ToJsonString();
    }
}
