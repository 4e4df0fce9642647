namespace MetaBackup.Core.ApiKeys;

/// <summary>
/// When an API key was last used, and from where (docs/api.md, "API keys"). Kept beside the key, not in it:
/// it is history, not configuration — never exported, and writing it on every request moves neither the
/// key's version nor its audit trail.
/// </summary>
public sealed class ApiKeyUsage
{
    public required string ApiKeyId { get; set; }

    public DateTimeOffset LastUsedAt { get; set; }

    public string? LastUsedFrom { get; set; }
}
