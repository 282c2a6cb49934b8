using System.Globalization;

namespace ControlRL.Core.Tasks;

/// <summary>
/// The parameters that define a task variant of an env (stump height and spacing of a walker track, traffic
/// density of a driving scene, ...): named float dimensions with bounds. Curricula sample points of this box.
/// </summary>
public sealed class TaskSpace
{
    public TaskSpace(IReadOnlyList<string> names, float[] low, float[] high)
    {
        ArgumentNullException.ThrowIfNull(names);
        ArgumentNullException.ThrowIfNull(low);
        ArgumentNullException.ThrowIfNull(high);
        if (names.Count == 0) throw new ArgumentException("A task space needs at least one parameter.");
        if (low.Length != names.Count || high.Length != names.Count)
            throw new ArgumentException($"Task space: {names.Count} names but {low.Length} low and {high.Length} high bounds.");
        for (int i = 0; i < low.Length; i++)
        {
            if (!float.IsFinite(low[i]) || !float.IsFinite(high[i]) || low[i] > high[i])
                throw new ArgumentException($"Task parameter '{names[i]}' has invalid bounds [{low[i]}, {high[i]}].");
        }
        if (names.Distinct(StringComparer.Ordinal).Count() != names.Count)
            throw new ArgumentException("Task parameter names must be unique.");
        Names = names.ToArray();
        Low = (float[])low.Clone();
        High = (float[])high.Clone();
    }

    public IReadOnlyList<string> Names { get; }
    public float[] Low { get; }
    public float[] High { get; }
    public int Size => Low.Length;

    /// <summary>True when <paramref name="task"/> has the right length, is finite and lies within the bounds.</summary>
    public bool Contains(ReadOnlySpan<float> task)
    {
        if (task.Length != Size) return false;
        for (int i = 0; i < task.Length; i++)
        {
            if (!(task[i] >= Low[i] && task[i] <= High[i])) return false;
        }
        return true;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the offending parameter when the task is invalid.</summary>
    public void Validate(ReadOnlySpan<float> task, string owner)
    {
        if (task.Length != Size)
            throw new ArgumentException($"{owner}: a task has {Size} parameters ({string.Join(", ", Names)}), got {task.Length}.");
        for (int i = 0; i < task.Length; i++)
        {
            if (!(task[i] >= Low[i] && task[i] <= High[i]))
                throw new ArgumentException($"{owner}: task parameter '{Names[i]}' = {task[i].ToString(CultureInfo.InvariantCulture)} is outside [{Low[i].ToString(CultureInfo.InvariantCulture)}, {High[i].ToString(CultureInfo.InvariantCulture)}].");
        }
    }

    /// <summary>The centre of the box (a sensible default task).</summary>
    public float[] Center()
    {
        var c = new float[Size];
        for (int i = 0; i < Size; i++) c[i] = 0.5f * (Low[i] + High[i]);
        return c;
    }

    public string Describe() =>
        string.Join(", ", Names.Select((n, i) => $"{n} in [{Low[i].ToString(CultureInfo.InvariantCulture)}, {High[i].ToString(CultureInfo.InvariantCulture)}]"));
}
