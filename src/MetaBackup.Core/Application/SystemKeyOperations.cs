using MetaBackup.Core.Access;
using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;
using MetaBackup.Core.Snapshots;

namespace MetaBackup.Core.Application;

/// <summary>The system key in force: its fingerprint and where it comes from — never the key.</summary>
public sealed record SystemKeyInfo(string Fingerprint, string Source, SystemKeyOrigin Origin);

public sealed record ShowSystemKey : Operation<SystemKeyInfo>
{
    public override string Permission => Permissions.SystemKeyRead;

    internal override Task<SystemKeyInfo> RunAsync(OperationContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new SystemKeyInfo(context.Session.SystemKey.Fingerprint, context.Session.SystemKey.Description, context.Session.SystemKey.Origin));
}

/// <summary>
/// Re-encrypts every stored secret under a new system key (docs/secrets.md). Without <see cref="NewKey"/>, a key
/// is generated — only when the key lives in the data directory, which MetaBackup writes; a key from the
/// environment must be given, since the operator has to put it where the environment comes from.
/// </summary>
public sealed record RotateSystemKey(AesKey? NewKey) : Operation<RotationResult>
{
    public override string Permission => Permissions.SystemKeyRotate;

    internal override Task<RotationResult> RunAsync(OperationContext context, CancellationToken cancellationToken)
    {
        var current = context.Session.SystemKey;
        var newKey = NewKey ?? (current.Origin == SystemKeyOrigin.DataDirectory
            ? AesKey.Generate()
            : throw new InvalidInputException(
                $"The system key comes from {current.Description}, which MetaBackup does not write: the new key must be given.",
                "Put the new key (64 hex characters) in a file only you can read, and give that.",
                new Dictionary<string, string> { ["missingInput"] = "newKey" }));
        return new SystemKeyRotation(context.Session, context.Services.SystemKeys, new SafetySnapshots(context.DataDirectory)).RotateAsync(newKey, cancellationToken);
    }
}
