using MetaBackup.Core.Configuration;
using MetaBackup.Core.Secrets;

namespace MetaBackup.Cli.Input;

/// <summary>
/// Reads secrets from where they are allowed to come from — standard input, an environment
/// variable or a file — never from the command line itself, where shell history and the process
/// list would show them. A source is written <c>stdin</c>, <c>env:VARIABLE</c> or <c>file:PATH</c>.
/// One trailing line break is dropped (what <c>echo</c> and editors add).
/// </summary>
public sealed class SecretReader(CliHost host)
{
    public const string SourceHelp = "SOURCE is stdin, env:VARIABLE or file:PATH — never the secret itself";

    private bool _stdinUsed;

    /// <summary>Parses repeated <c>NAME=SOURCE</c> options into secrets by name.</summary>
    public IReadOnlyDictionary<string, SecretText> ReadAll(IEnumerable<string>? specifications)
    {
        var secrets = new Dictionary<string, SecretText>(StringComparer.Ordinal);
        foreach (var specification in specifications ?? [])
        {
            var equals = specification.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                throw new UsageException($"--secret wants NAME=SOURCE; got '{Mask(specification)}'. {SourceHelp}.");
            }

            var name = specification[..equals];
            if (secrets.ContainsKey(name))
            {
                throw new UsageException($"The secret '{name}' is given twice.");
            }

            secrets[name] = Read(specification[(equals + 1)..], $"secret '{name}'");
        }

        return secrets;
    }

    /// <summary>For records with a single secret: the <c>NAME=SOURCE</c> options may only name <paramref name="name"/>.</summary>
    public SecretText? ReadSingle(IEnumerable<string>? specifications, string name, string owner)
    {
        var secrets = ReadAll(specifications);
        var unknown = secrets.Keys.Where(k => k != name).ToList();
        return unknown.Count > 0
            ? throw new UsageException($"{owner} have one secret, '{name}'; not {string.Join(", ", unknown)}.")
            : secrets.GetValueOrDefault(name);
    }

    /// <summary>Reads one secret from a source.</summary>
    /// <param name="source">stdin, env:VARIABLE or file:PATH.</param>
    /// <param name="what">What the secret is, for messages.</param>
    public SecretText Read(string source, string what)
    {
        if (source == "stdin" || source == "-")
        {
            if (_stdinUsed)
            {
                throw new UsageException("Only one secret can be read from stdin per command; give the others as env:VARIABLE or file:PATH.");
            }

            _stdinUsed = true;
            return Trim(host.In.ReadToEnd());
        }

        if (source.StartsWith("env:", StringComparison.Ordinal))
        {
            var variable = source[4..];
            return host.Environment(variable) is { } value
                ? Trim(value)
                : throw new InvalidInputException($"The {what} should come from environment variable {variable}, which is not set.", $"Set {variable}, or give the {what} another way.");
        }

        if (source.StartsWith("file:", StringComparison.Ordinal))
        {
            var path = Path.Combine(host.CurrentDirectory, source[5..]);
            return File.Exists(path)
                ? Trim(File.ReadAllText(path))
                : throw new InvalidInputException($"The {what} should come from file '{path}', which does not exist.", "Check the path.");
        }

        throw new UsageException(
            $"The {what} must come from stdin, env:VARIABLE or file:PATH; secrets are never accepted on the command line, where shell history and the process list would keep them.");
    }

    private static SecretText Trim(string value) =>
        new(value.EndsWith("\r\n", StringComparison.Ordinal) ? value[..^2] : value.EndsWith('\n') ? value[..^1] : value);

    // The text after '=' might be a secret typed by mistake: never echo it.
    private static string Mask(string specification) => specification.Length > 0 ? "…" : "";
}
