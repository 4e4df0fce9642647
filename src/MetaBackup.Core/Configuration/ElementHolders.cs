using System.Text.Json;

namespace MetaBackup.Core.Configuration;

/// <summary>
/// The JSON objects holding a reference's field in a record as a document holds it (<see cref="RecordReference.HoldersIn(JsonElement)"/>):
/// the record itself, or each item of its list. A value enumerated in place, nothing allocated — an import reads every
/// reference of every record it plans, millions of them (docs/performance.md, "Import").
/// </summary>
public readonly struct ElementHolders
{
    private readonly JsonElement _value;
    private readonly Holding _holding;

    private ElementHolders(JsonElement value, Holding holding)
    {
        _value = value;
        _holding = holding;
    }

    /// <summary>The record alone holds the field.</summary>
    internal static ElementHolders Record(JsonElement record) => new(record, Holding.Record);

    /// <summary>Each item of this array holds the field.</summary>
    internal static ElementHolders ItemsOf(JsonElement array) => new(array, Holding.Items);

    /// <summary>Nothing holds it: the record has no such list.</summary>
    internal static ElementHolders None => default;

    public Enumerator GetEnumerator() => new(_value, _holding);

    internal enum Holding : byte
    {
        None,
        Record,
        Items,
    }

    public struct Enumerator
    {
        private readonly JsonElement _record;
        private readonly Holding _holding;
        private JsonElement.ArrayEnumerator _items;
        private bool _started;

        internal Enumerator(JsonElement value, Holding holding)
        {
            _record = value;
            _holding = holding;
            _items = holding == Holding.Items ? value.EnumerateArray() : default;
        }

        public JsonElement Current => _holding == Holding.Items ? _items.Current : _record;

        public bool MoveNext()
        {
            switch (_holding)
            {
                case Holding.Items:
                    return _items.MoveNext();
                case Holding.Record when !_started:
                    _started = true;
                    return true;
                default:
                    return false;
            }
        }
    }
}
