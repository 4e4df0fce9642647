using System.Globalization;
using MetaBackup.Core.Configuration;
using Microsoft.AspNetCore.Http;

namespace MetaBackup.Server.Http;

/// <summary>
/// A record's version on the wire (docs/api.md, "Versions"): the ETag of a record is its <c>updatedAt</c> as UTC
/// ticks; a change sent with <c>If-Match</c> is applied only to that version, else refused with 409.
/// </summary>
public static class RecordVersion
{
    public static string ETagOf(DateTimeOffset updatedAt) => $"\"{updatedAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}\"";

    /// <summary>The version an <c>If-Match</c> header names, or null when there is none (or <c>*</c>).</summary>
    public static DateTimeOffset? IfMatch(HttpRequest request)
    {
        var header = request.Headers.IfMatch.ToString().Trim();
        if (header is "" or "*")
        {
            return null;
        }

        var value = header.StartsWith("W/", StringComparison.Ordinal) ? header[2..] : header;
        return long.TryParse(value.Trim('"'), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) && ticks is > 0 and <= 3155378975999999999
            ? new DateTimeOffset(ticks, TimeSpan.Zero)
            : throw new InvalidInputException($"If-Match '{header}' is not an ETag this server gave.", "Send the ETag of the record as last read, or leave If-Match out.");
    }

    /// <summary>Sets the response's ETag to the record's version.</summary>
    public static void Tag(HttpResponse response, DateTimeOffset updatedAt) => response.Headers.ETag = ETagOf(updatedAt);
}
