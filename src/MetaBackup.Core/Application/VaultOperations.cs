using MetaBackup.Core.Access;
using MetaBackup.Core.Adapters;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Settings;
using MetaBackup.Core.Storage;
using MetaBackup.Core.Vault;

namespace MetaBackup.Core.Application;

/// <summary>
/// A Recovery Kit as handed to a person (docs/secrets.md): its text, which holds the key and is dated by the
/// session's clock, and the file name to save it under. The text is a <see cref="SecretText"/>, so it never
/// shows in a log or a record's printout by accident.
/// </summary>
public sealed record RecoveryKitDocument(string ProfileName, string Fingerprint, string FileName, SecretText Text)
{
    internal static RecoveryKitDocument Of(RecoveryKit kit, DateTimeOffset writtenAt) => new(
        kit.ProfileName,
        kit.Fingerprint,
        $"recovery-kit-{SafeName(kit.ProfileName)}-{kit.Fingerprint[..8]}.txt",
        new SecretText(kit.ToText(writtenAt)));

    /// <summary>A profile name as a file-name part: letters, digits, '-' and '_' kept, anything else '-'.</summary>
    private static string SafeName(string name) =>
        string.Concat(name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' ? c : '-'));
}

/// <summary>A new profile, and its Recovery Kit when it was asked for.</summary>
public sealed record CreatedProfile(EncryptionProfile Profile, RecoveryKitDocument? Kit);

/// <summary>
/// Creates a profile with a new random key. With <see cref="WithRecoveryKit"/> the result also holds its Recovery
/// Kit — handed out, so audited as a kit download, and from then on the key counts as saved (docs/secrets.md).
/// </summary>
public sealed record CreateProfile(string Name, string? Description, bool WithRecoveryKit = false) : Operation<CreatedProfile>
{
    public override string Permission => Permissions.ProfilesWrite;

    /// <summary>Handing out the kit needs the kit permission too.</summary>
    public override IReadOnlyList<string> RequiredPermissions => WithRecoveryKit ? [Permission, Permissions.RecoveryKit] : [Permission];

    internal override async Task<CreatedProfile> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var vault = new VaultService(context.Session);
        var profile = await vault.CreateAsync(Name, Description, cancellationToken);
        var kit = WithRecoveryKit ? RecoveryKitDocument.Of(await vault.RecoveryKitAsync(profile.Id, cancellationToken), context.Session.Clock.GetUtcNow()) : null;
        return new CreatedProfile(profile, kit);
    }
}

public sealed record ListProfiles : Operation<IReadOnlyList<EncryptionProfile>>
{
    public override string Permission => Permissions.ProfilesRead;

    internal override async Task<IReadOnlyList<EncryptionProfile>> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        await new VaultService(context.Session).ListAsync(cancellationToken);
}

public sealed record ShowProfile(string Reference) : Operation<EncryptionProfile>
{
    public override string Permission => Permissions.ProfilesRead;

    internal override Task<EncryptionProfile> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        new VaultService(context.Session).FindAsync(Reference, cancellationToken);
}

/// <summary>A profile's Recovery Kit again: it hands out the key, so it has a permission of its own and is audited.</summary>
public sealed record DownloadRecoveryKit(string Reference) : Operation<RecoveryKitDocument>
{
    public override string Permission => Permissions.RecoveryKit;

    internal override async Task<RecoveryKitDocument> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        RecoveryKitDocument.Of(await new VaultService(context.Session).RecoveryKitAsync(Reference, cancellationToken), context.Session.Clock.GetUtcNow());
}

/// <summary>A key added to the vault: the profile that holds it, and whether it was new, unlocked a profile, or was there already.</summary>
public sealed record ImportedKey(EncryptionProfile Profile, KeyImportOutcome Outcome);

/// <summary>Adds a key to the vault, from a Recovery Kit or as a bare key (audited by the vault).</summary>
public sealed record ImportProfileKey(AesKey Key, RecoveryKit? Kit, string? Name) : Operation<ImportedKey>
{
    public override string Permission => Permissions.ProfilesWrite;

    internal override async Task<ImportedKey> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var (profile, outcome) = await new VaultService(context.Session).ImportKeyAsync(Key, Name, Kit, cancellationToken);
        return new ImportedKey(profile, outcome);
    }
}

/// <summary>
/// Deletes a profile nothing uses; one whose key was never saved only when <see cref="Force"/> says so — the
/// refusal names the backups in the configuration backup destination that only this key opens.
/// </summary>
public sealed record DeleteProfile(string Reference, bool Force = false, DateTimeOffset? IfVersion = null) : Operation<Done>
{
    public override string Permission => Permissions.ProfilesWrite;

    internal override async Task<Done> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var vault = new VaultService(context.Session);
        RecordVersions.Expect(context.Session, await vault.FindAsync(Reference, cancellationToken), IfVersion);
        await vault.DeleteAsync(Reference, Force, profile => BackupsEncryptedWithAsync(context, profile, cancellationToken), cancellationToken);
        return Done.Value;
    }

    private static async Task<IReadOnlyList<string>> BackupsEncryptedWithAsync(OperationContext context, EncryptionProfile profile, CancellationToken cancellationToken)
    {
        if ((await new SettingsService(context.Session).ConfigBackupAsync(cancellationToken)).StorageId is not { } storage)
        {
            return [];
        }

        try
        {
            var adapters = new AdaptersService(context.Session);
            var adapter = await adapters.FindOfKindAsync(storage, AdapterKind.Storage, "The configuration backup destination", cancellationToken);
            var entries = await new BackupCatalog(await adapters.StoreForAsync(adapter, context.Services.Stores, cancellationToken: cancellationToken)).ListAsync(cancellationToken);
            return entries.Where(e => e.ProfileFingerprint == profile.Fingerprint).Select(e => e.File).ToList();
        }
        catch (StorageException)
        {
            return [];
        }
    }
}
