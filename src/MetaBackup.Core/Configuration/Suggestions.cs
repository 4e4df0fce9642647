using F23.StringSimilarity;

namespace MetaBackup.Core.Configuration;

/// <summary>
/// "Did you mean": the known word closest to a mistyped one, by Damerau–Levenshtein distance (a swapped
/// pair of letters counts as one edit), when it is close enough to be the likely intent.
/// </summary>
public static class Suggestions
{
    private static readonly Damerau Distance = new();

    /// <summary>The candidate nearest <paramref name="typed"/>, or null when none is within a third of its length (at least two edits).</summary>
    public static string? Nearest(string typed, IEnumerable<string> candidates)
    {
        var allowed = Math.Max(2, typed.Length / 3);
        return candidates
            .Select(candidate => (Candidate: candidate, Distance: Distance.Distance(typed.ToLowerInvariant(), candidate.ToLowerInvariant())))
            .Where(c => c.Distance <= allowed)
            .OrderBy(c => c.Distance)
            .ThenBy(c => c.Candidate, StringComparer.Ordinal)
            .Select(c => c.Candidate)
            .FirstOrDefault();
    }
}
