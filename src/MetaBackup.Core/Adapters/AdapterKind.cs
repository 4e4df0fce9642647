using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Adapters;

/// <summary>What an adapter connects to; a job's source must be a database, its destinations storage.</summary>
public enum AdapterKind
{
    Database,
    Storage,
    Notification,
}

/// <summary>The lower-case names operators type for adapter kinds.</summary>
public static class Kinds
{
    public static string Name(AdapterKind kind) => kind.ToString().ToLowerInvariant();

    public static AdapterKind Parse(string text) =>
        Enum.TryParse<AdapterKind>(text, true, out var kind) && !int.TryParse(text, out _)
            ? kind
            : throw new InvalidInputException(
                $"Unknown adapter kind '{text}'.",
                $"Kinds are: {string.Join(", ", Enum.GetValues<AdapterKind>().Select(Name))}.");
}
