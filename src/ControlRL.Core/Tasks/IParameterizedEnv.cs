using ControlRL.Core.Envs;

namespace ControlRL.Core.Tasks;

/// <summary>
/// An env whose episodes are drawn from a family of tasks. <see cref="SetTask"/> chooses the task of the next
/// episode; it takes effect at the next <see cref="IEnv.Reset"/>, never in the middle of an episode.
/// </summary>
public interface IParameterizedEnv : IEnv
{
    TaskSpace TaskSpace { get; }

    /// <summary>Sets the parameters of the next episode; throws <see cref="ArgumentException"/> naming a parameter outside the space.</summary>
    void SetTask(ReadOnlySpan<float> task);
}
