using System.Text.Json;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Persistence;
using MetaBackup.Core.Secrets;
using Microsoft.EntityFrameworkCore;

namespace MetaBackup.Core.Export;

/// <summary>A secret field in the preview: how many records have it set, and whether the export would include it.</summary>
public sealed record SecretFieldPreview(string Field, int Set, bool Included);

/// <summary>One area in the preview.</summary>
public sealed record AreaPreview(string Area, int Count, IReadOnlyList<SecretFieldPreview> SecretFields);

/// <summary>What an export would contain (docs/cli.md, "export": <c>--preview</c>); computing it writes nothing.</summary>
public sealed record ExportPreview(bool IncludeSecrets, IReadOnlyList<AreaPreview> Areas);

/// <summary>GetExportPreview: counts per area and the secret fields that would be included or stripped.</summary>
public sealed class ExportPreviewer(ConfigurationSession session)
{
    public async Task<ExportPreview> GetExportPreviewAsync(bool includeSecrets, CancellationToken cancellationToken = default)
    {
        var areas = new List<AreaPreview>();
        foreach (var area in ConfigurationAreas.All)
        {
            var count = 0;
            var set = new SortedDictionary<string, int>(StringComparer.Ordinal);
            foreach (var property in area.SecretProperties.Where(_ => area != ConfigurationAreas.Adapters))
            {
                set[SecretFields.NameOf(property)] = 0;
            }

            await foreach (var record in session.Records(area, cancellationToken))
            {
                count++;
                foreach (var field in SetSecretFields(area, record))
                {
                    set[field] = set.GetValueOrDefault(field) + 1;
                }
            }

            areas.Add(new AreaPreview(area.Name, count, set.Select(s => new SecretFieldPreview(s.Key, s.Value, includeSecrets)).ToList()));
        }

        return new ExportPreview(includeSecrets, areas);
    }

    private IEnumerable<string> SetSecretFields(ConfigurationArea area, ConfigRecord record)
    {
        if (record is Adapter { SecretConfig: { } sealedConfig })
        {
            Dictionary<string, string>? keys;
            try
            {
                keys = AdapterConfig.SecretKeysIn(session.Secrets.Open(sealedConfig).Reveal());
            }
            catch (SecretDecryptionException)
            {
                keys = null;
            }

            return keys is null ? ["config.(unreadable)"] : keys.Keys.Select(k => $"config.{k}");
        }

        return area.SecretProperties.Where(p => p.GetValue(record) is not null).Select(SecretFields.NameOf);
    }
}
