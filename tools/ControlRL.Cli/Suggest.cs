namespace ControlRL.Cli;

/// <summary>"Did you mean" candidates for a mistyped name (config key, env id).</summary>
public static class Suggest
{
    /// <summary>
    /// Up to <paramref name="max"/> candidates within a small edit distance of <paramref name="input"/> (case and
    /// dash/underscore ignored), or containing it / contained in it, closest first.
    /// </summary>
    public static IReadOnlyList<string> Close(string input, IEnumerable<string> candidates, int max = 3)
    {
        static string Norm(string s) => s.Replace('-', '_').ToLowerInvariant();
        string k = Norm(input);
        return candidates
            .Select(c => (c, n: Norm(c), d: Levenshtein(k, Norm(c))))
            .Where(x => x.d <= Math.Max(2, k.Length / 3) || (k.Length >= 3 && x.n.Contains(k, StringComparison.Ordinal)) ||
                        (k.Length >= 4 && k.Contains(x.n, StringComparison.Ordinal)))
            .OrderBy(x => x.d).ThenBy(x => x.c, StringComparer.Ordinal)
            .Take(max).Select(x => x.c).ToArray();
    }

    public static int Levenshtein(string a, string b)
    {
        var prev = new int[b.Length + 1];
        var cur = new int[b.Length + 1];
        for (int j = 0; j <= b.Length; j++) prev[j] = j;
        for (int i = 1; i <= a.Length; i++)
        {
            cur[0] = i;
            for (int j = 1; j <= b.Length; j++)
                cur[j] = Math.Min(Math.Min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1));
            (prev, cur) = (cur, prev);
        }
        return prev[b.Length];
    }
}
