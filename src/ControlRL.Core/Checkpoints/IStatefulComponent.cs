namespace ControlRL.Core.Checkpoints;

/// <summary>
/// Something whose state must survive a checkpoint (normalizer statistics, RNG state, curriculum teacher).
/// State is a set of named double arrays; names are unique within the component.
/// </summary>
public interface IStatefulComponent
{
    /// <summary>Stable prefix for this component's entries in a checkpoint, e.g. <c>obs_norm</c>.</summary>
    string StateName { get; }

    void SaveState(IDictionary<string, double[]> state);

    /// <summary>Restores state; throws <see cref="InvalidDataException"/> naming the entry when it is missing or misshaped.</summary>
    void LoadState(IReadOnlyDictionary<string, double[]> state);
}
