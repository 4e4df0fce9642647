namespace MetaBackup.Core.Storage;

/// <summary>File names in a destination: plain names, never paths, so nothing escapes the destination's directory or prefix.</summary>
public static class StorageNames
{
    public static string Check(string name) =>
        string.IsNullOrEmpty(name) || name is "." or ".." || name.IndexOfAny(['/', '\\', '\0']) >= 0
            ? throw new StorageException($"'{name}' is not a valid file name in a destination (no directories).")
            : name;
}
