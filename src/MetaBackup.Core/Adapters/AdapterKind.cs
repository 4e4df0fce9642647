using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Adapters;

/// <summary>What an adapter connects to; a job's source must be a database, its destinations storage.</summary>
public enum AdapterKind
{
    Database,
    Storage,
    Notification,
}

/// <summary>The names operators type for adapter kinds (<see cref="WireName"/>).</summary>
public static class Kinds
{
    public static string Name(AdapterKind kind) => WireName.Of(kind);

    public static AdapterKind Parse(string text) =>
        WireName.TryParse<AdapterKind>(text, out var kind)
            ? kind
            : throw new InvalidInputException(
                $"Unknown adapter kind '{text}'.",
                $"Kinds are: {string.Join(", ", WireName.All<AdapterKind>())}.");
}
