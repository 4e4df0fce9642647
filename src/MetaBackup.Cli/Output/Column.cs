namespace MetaBackup.Cli.Output;

/// <summary>A column of a <see cref="Printer.TextTable{T}"/>: its name, and the text of its cell in a row, as it is printed.</summary>
public sealed record Column<T>(string Name, Func<T, string> Cell);
