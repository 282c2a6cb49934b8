using ControlRL.Core.Tasks;

namespace ControlRL.Learning.Curricula;

/// <summary>Uniform tasks in the space's box; learns nothing (the baseline of teachDeepRL).</summary>
public sealed class RandomTeacher(TaskSpace space, ulong seed, TeacherOptions? options = null) : TeacherBase("random", space, seed, options)
{
    protected override void SampleCore(Span<float> task) => SampleUniform(task);

    protected override void UpdateCore(ReadOnlySpan<float> task, double normalizedReturn) { }
}
