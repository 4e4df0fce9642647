using System.Globalization;
using System.Text;
using System.Text.Unicode;
using MetaBackup.Core.Persistence;
using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace MetaBackup.Data.Sqlite;

/// <summary>
/// An INSERT prepared on the connection's own SQLite handle and stepped for each row, its values bound by position
/// through SQLitePCLRaw — the library beneath Microsoft.Data.Sqlite (docs/performance.md, "Import"). A value is stored
/// exactly as Microsoft.Data.Sqlite stores a parameter of its type (<c>SqlitePreparedInsertTests</c> compares every
/// column of every table with rows EF Core saved); a type it does not know is refused, never guessed at.
/// </summary>
internal sealed class SqlitePreparedInsert : IPreparedInsert
{
    /// <summary>How Microsoft.Data.Sqlite writes a <see cref="DateTimeOffset"/> as text.</summary>
    private const string DateTimeOffsetText = @"yyyy\-MM\-dd HH\:mm\:ss.FFFFFFFzzz";

    private readonly sqlite3 _db;
    private readonly sqlite3_stmt _statement;

    /// <summary>Where text is written as UTF-8 for SQLite, which copies it when bound: one buffer for every value.</summary>
    private byte[] _utf8 = new byte[1024];

    public SqlitePreparedInsert(SqliteConnection connection, string insertSql)
    {
        _db = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var result = raw.sqlite3_prepare_v2(_db, insertSql, out _statement);
        SqliteException.ThrowExceptionForRC(result, _db);
    }

    public void Insert(ReadOnlySpan<object?> values)
    {
        try
        {
            for (var i = 0; i < values.Length; i++)
            {
                Check(Bind(i + 1, values[i]));
            }

            var result = raw.sqlite3_step(_statement);
            if (result != raw.SQLITE_DONE)
            {
                SqliteException.ThrowExceptionForRC(result, _db);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    private int Bind(int position, object? value) => value switch
    {
        null => raw.sqlite3_bind_null(_statement, position),
        string text => BindText(position, text),
        long number => raw.sqlite3_bind_int64(_statement, position, number),
        int number => raw.sqlite3_bind_int64(_statement, position, number),
        bool flag => raw.sqlite3_bind_int64(_statement, position, flag ? 1 : 0),
        double number => raw.sqlite3_bind_double(_statement, position, number),
        byte[] bytes => raw.sqlite3_bind_blob(_statement, position, bytes),
        DateTimeOffset time => BindTime(position, time),
        _ => throw new NotSupportedException($"A value of type {value.GetType().Name} is not inserted beneath Microsoft.Data.Sqlite; add how it stores one."),
    };

    /// <summary>
    /// Text bound as UTF-8, as Microsoft.Data.Sqlite binds a string — so that text which is not well-formed UTF-16 is
    /// stored as its parameters store it (a lone surrogate as U+FFFD; bound as UTF-16, SQLite made another character of
    /// it) — but encoded into one buffer rather than a new array a value (docs/performance.md, "Import"). Empty text goes
    /// as UTF-16: a span of nothing has no address, and SQLite would take a null one for NULL.
    /// </summary>
    private int BindText(int position, string text)
    {
        if (text.Length == 0)
        {
            return raw.sqlite3_bind_text16(_statement, position, text);
        }

        var most = Encoding.UTF8.GetMaxByteCount(text.Length);
        if (_utf8.Length < most)
        {
            _utf8 = new byte[Math.Max(most, _utf8.Length * 2)];
        }

        Utf8.FromUtf16(text, _utf8, out _, out var written);
        return raw.sqlite3_bind_text(_statement, position, _utf8.AsSpan(0, written));
    }

    /// <summary>A time as Microsoft.Data.Sqlite writes it, formatted as UTF-8 on the stack rather than into a string: a record has two.</summary>
    private int BindTime(int position, DateTimeOffset time)
    {
        Span<byte> text = stackalloc byte[48];
        return time.TryFormat(text, out var written, DateTimeOffsetText, CultureInfo.InvariantCulture)
            ? raw.sqlite3_bind_text(_statement, position, text[..written])
            : BindText(position, time.ToString(DateTimeOffsetText, CultureInfo.InvariantCulture));
    }

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(result, _db);
        }
    }

    public void Dispose() => _statement.Dispose();
}
