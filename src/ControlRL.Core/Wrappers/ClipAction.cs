using ControlRL.Core.Spaces;
using ControlRL.Core.Vector;

namespace ControlRL.Core.Wrappers;

/// <summary>
/// Clips actions to the bounds of the Box action space before they reach the env (Gymnasium's ClipAction), into
/// a preallocated buffer so the caller's actions stay untouched. NaN is passed through unchanged so the env rejects
/// it instead of a silent clip hiding a diverged policy.
/// </summary>
public sealed class ClipAction : VectorWrapper
{
    private readonly float[] _low;
    private readonly float[] _high;
    private readonly float[] _clipped;

    public ClipAction(IVectorEnv inner) : base(inner)
    {
        if (inner.Spec.ActionSpace is not Box box)
            throw new ArgumentException($"ClipAction needs a Box action space; {inner.Spec.Id} has {inner.Spec.ActionSpace.Describe()}.", nameof(inner));
        _low = box.Low;
        _high = box.High;
        _clipped = new float[inner.NumEnvs * box.FlatSize];
    }

    protected override ReadOnlySpan<float> TransformActions(ReadOnlySpan<float> actions)
    {
        // A misshaped batch is passed on as is so the inner env reports it with its own message.
        if (actions.Length != _clipped.Length) return actions;
        int a = _low.Length;
        for (int i = 0; i < actions.Length; i += a)
        {
            for (int d = 0; d < a; d++)
            {
                float x = actions[i + d];
                _clipped[i + d] = x < _low[d] ? _low[d] : x > _high[d] ? _high[d] : x; // NaN fails both tests
            }
        }
        return _clipped;
    }
}
