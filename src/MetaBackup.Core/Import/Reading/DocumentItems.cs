using System.Text.Json;
using MetaBackup.Core.Configuration;

namespace MetaBackup.Core.Import.Reading;

/// <summary>
/// One item of a backup document: a record of an area (its index in the area's array), or any other top-level
/// property's whole value (<see cref="Index"/> -1) — the metadata, or whatever else a document holds. An area's array
/// comes first as an empty array of index -1 (so that an empty area is seen too), then its records.
/// </summary>
internal sealed record DocumentItem(string Property, int Index, JsonElement Value);

/// <summary>
/// Reads a document the first pass checked (<see cref="DocumentReader"/>) an item at a time: each record is parsed
/// on its own when all its bytes are in the buffer, so memory holds one record, never the document.
/// </summary>
internal sealed class DocumentItems(JsonBlocks blocks)
{
    private static readonly JsonElement EmptyArray = JsonElement.Parse("[]");

    private Where _where = Where.Start;
    private string _property = "";
    private int _index;

    private enum Where
    {
        Start,
        Top,
        Value,
        InArea,
        End,
    }

    public IEnumerable<DocumentItem> Read()
    {
        blocks.Fill();
        while (true)
        {
            var (found, item) = Next();
            if (found && item is null)
            {
                // The rest of the stream is read too, so that its hash is checked against the first pass's.
                while (blocks.Fill())
                {
                }

                yield break;
            }

            if (found)
            {
                yield return item!;
            }
            else if (!blocks.Fill())
            {
                throw new ImportRefusedException(
                    "The backup file changed while it was being imported (it ends early now); nothing was changed.",
                    "Make sure nothing writes to the backup file, then import it again.");
            }
        }
    }

    /// <summary>The next item: (true, item); (true, null) at the end of the document; (false, _) when more bytes are needed.</summary>
    private (bool Found, DocumentItem? Item) Next()
    {
        var reader = blocks.Reader();
        var result = Step(ref reader);
        blocks.Consumed(ref reader);
        return result;
    }

    private (bool, DocumentItem?) Step(ref Utf8JsonReader reader)
    {
        while (true)
        {
            var checkpoint = reader;
            if (!reader.Read())
            {
                reader = checkpoint;
                return (false, null);
            }

            switch (_where)
            {
                case Where.Start:
                    _where = Where.Top;
                    break;
                case Where.Top:
                    if (reader.TokenType == JsonTokenType.EndObject)
                    {
                        _where = Where.End;
                        return (true, null);
                    }

                    _property = reader.GetString()!;
                    _where = Where.Value;
                    break;
                case Where.Value when reader.TokenType == JsonTokenType.StartArray && ConfigurationAreas.Named(_property) is not null:
                    _where = Where.InArea;
                    _index = 0;
                    return (true, new DocumentItem(_property, -1, EmptyArray));
                case Where.InArea when reader.TokenType == JsonTokenType.EndArray:
                    _where = Where.Top;
                    break;
                case Where.Value:
                case Where.InArea:
                    // Read once: no value when its bytes are not all in the buffer yet (skipping it first to know, then
                    // parsing it, read each record's tokens twice, and the parse read them a third time).
                    if (!JsonElement.TryParseValue(ref reader, out var parsed))
                    {
                        reader = checkpoint;
                        return (false, null);
                    }

                    var value = parsed.Value;
                    if (_where == Where.Value)
                    {
                        _where = Where.Top;
                        return (true, new DocumentItem(_property, -1, value));
                    }

                    return (true, new DocumentItem(_property, _index++, value));
                default:
                    return (true, null);
            }
        }
    }
}
