using System.Text.Json.Serialization;

namespace MetaBackup.Core.Configuration;

/// <summary>
/// What every configuration record has (docs/schema/README.md): a string id that stays stable across
/// export and import, and creation/update times. The times are stamped by the persistence layer.
/// </summary>
public abstract class ConfigRecord
{
    /// <summary>
    /// A new record's id is made when it is first read, not when the record is constructed: a record loaded from the
    /// database is constructed first and given its stored id after (straight into <see cref="_id"/>, see
    /// ConfigurationDbContext), and made an id for nothing every time — a tenth of reading a million records back
    /// (docs/performance.md, "Import").
    /// </summary>
    [JsonPropertyOrder(-1)]
    public string Id
    {
        get => _id ??= RecordIds.New();
        set => _id = value;
    }

    private string? _id;

    [JsonPropertyOrder(1)]
    public DateTimeOffset CreatedAt { get; set; }

    [JsonPropertyOrder(2)]
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>
    /// Checks the record's own fields against the rules of its area and puts them in normal form
    /// (trimmed names, lower-case e-mail addresses, sorted permissions …), throwing an
    /// <see cref="InvalidInputException"/> that names the field and the rule. The rules are declared
    /// here, once: the services apply them to what an operator adds or changes, and import applies them
    /// to every record of a backup (a record that breaks one is skipped with that message). References
    /// to other records are not the record's own: services resolve them, and import remaps them.
    /// </summary>
    public abstract void Normalize();
}
