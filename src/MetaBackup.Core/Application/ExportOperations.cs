using MetaBackup.Core.Access;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Export;
using MetaBackup.Core.Settings;
using MetaBackup.Core.Storage;
using MetaBackup.Format;

namespace MetaBackup.Core.Application;

/// <summary>What to export (docs/cli.md, "export"). Without a profile, the one in <c>config.backup.encryptionProfileId</c> is used, unless <see cref="NoEncryption"/>.</summary>
public sealed record ExportRequest(
    bool IncludeSecrets = false,
    string? Profile = null,
    bool NoEncryption = false,
    BackupCompression Compression = BackupCompression.Gzip,
    bool ContinueOnSecretErrors = false);

/// <summary>Where an export goes.</summary>
public abstract record ExportTarget
{
    private ExportTarget()
    {
    }

    /// <summary>A file, or a directory (an existing one, or one named with a trailing slash) to write the conventional name into.</summary>
    public sealed record File(string Path) : ExportTarget;

    /// <summary>A storage destination, with a sidecar, read back and verified.</summary>
    public sealed record Destination(string Storage) : ExportTarget;

    /// <summary>A stream (left open).</summary>
    public sealed record Stream(System.IO.Stream Output) : ExportTarget;

    /// <summary>A file handed to someone else (an HTTP download): written under its conventional name into a private staging directory.</summary>
    public sealed record Download(string StagingDirectory) : ExportTarget;
}

/// <summary>What an export did, and whether it took the configured default profile.</summary>
public sealed record ExportOutcome(ExportResult Result, bool UsedDefaultProfile);

/// <summary>Exports the configuration (audited, with whether secrets went out).</summary>
public sealed record ExportBackup(ExportRequest Request, ExportTarget Target, Action<string>? Progress = null) : Operation<ExportOutcome>
{
    public override string Permission => Permissions.ConfigExport;

    public override AuditEntry Audit => new("config.export", $"{Target switch { ExportTarget.File f => Path.GetFileName(f.Path.TrimEnd('/')) is { Length: > 0 } n ? n : f.Path, ExportTarget.Destination d => $"destination {d.Storage}", ExportTarget.Download => "download", _ => "stream" }}; secrets {(Request.IncludeSecrets ? "included" : "stripped")}");

    internal override async Task<ExportOutcome> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var progress = Progress ?? (_ => { });
        if (Request.NoEncryption && Request.Profile is not null)
        {
            throw new InvalidInputException("An export cannot be both encrypted with a profile and unencrypted.", "Choose one.");
        }

        var profile = Request.Profile;
        var usedDefault = false;
        if (profile is null && !Request.NoEncryption && await new SettingsService(context.Session).FindValueAsync(SettingKeys.ConfigBackupEncryptionProfileId, cancellationToken) is { Length: > 0 } configured)
        {
            profile = configured;
            usedDefault = true;
        }

        var options = new ExportOptions(Request.IncludeSecrets, profile, Request.Compression, ExportSource.Manual, Request.ContinueOnSecretErrors);
        switch (Target)
        {
            case ExportTarget.File file:
                progress($"writing to {file.Path}");
                return new ExportOutcome(await new ConfigExporter(context.Session).ExportToFileAsync(options, file.Path, cancellationToken), usedDefault);
            case ExportTarget.Destination destination:
                var adapters = new AdaptersService(context.Session);
                var adapter = await adapters.FindOfKindAsync(destination.Storage, AdapterKind.Storage, "The export's destination", cancellationToken);
                var store = await adapters.StoreForAsync(adapter, context.Services.Stores, progress, cancellationToken);
                progress($"exporting to {store.Description}");
                var stored = await new StorageExport(context.Session, context.DataDirectory).ExportAsync(options, store, cancellationToken, progress);
                return new ExportOutcome(stored.Export with { Path = $"{destination.Storage}:{stored.Export.FileName}" }, usedDefault);
            case ExportTarget.Download download:
                return new ExportOutcome(await new ConfigExporter(context.Session).ExportToFileAsync(options, download.StagingDirectory + Path.DirectorySeparatorChar, cancellationToken), usedDefault);
            case ExportTarget.Stream stream:
                return new ExportOutcome(await new ConfigExporter(context.Session).ExportAsync(options, stream.Output, cancellationToken), usedDefault);
            default:
                throw new InvalidOperationException($"Unknown export target {Target}.");
        }
    }
}

/// <summary>What an export would contain — counts per area, which secrets would be included or stripped — writing nothing.</summary>
public sealed record PreviewExport(bool IncludeSecrets) : Operation<ExportPreview>
{
    public override string Permission => Permissions.ConfigExport;

    internal override Task<ExportPreview> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        new ExportPreviewer(context.Session).GetExportPreviewAsync(IncludeSecrets, cancellationToken);
}
