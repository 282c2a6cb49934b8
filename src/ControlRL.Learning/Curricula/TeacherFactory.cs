using ControlRL.Core.Tasks;

namespace ControlRL.Learning.Curricula;

/// <summary>Creates teachers by name: <c>random</c>, <c>alp-gmm</c>, <c>covar-gmm</c>, <c>riac</c>.</summary>
public static class TeacherFactory
{
    // The position is the teacher's code in checkpoints: append only.
    private static readonly string[] s_names = ["random", "alp-gmm", "covar-gmm", "riac"];

    public static IReadOnlyList<string> Names => s_names;

    public static ITeacher Create(string name, TaskSpace space, ulong seed, TeacherOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(space);
        return name.Trim().ToLowerInvariant() switch
        {
            "random" => new RandomTeacher(space, seed, options),
            "alp-gmm" => new AlpGmmTeacher(space, seed, options),
            "covar-gmm" => new CovarGmmTeacher(space, seed, options),
            "riac" => new RiacTeacher(space, seed, options),
            _ => throw new ArgumentException($"Unknown curriculum teacher '{name}'; known teachers: {string.Join(", ", s_names)}.", nameof(name)),
        };
    }

    internal static double Code(string name) => Array.IndexOf(s_names, name);

    internal static string NameOf(double code) =>
        code >= 0 && code < s_names.Length && Math.Floor(code) == code ? s_names[(int)code] : $"#{code}";
}
