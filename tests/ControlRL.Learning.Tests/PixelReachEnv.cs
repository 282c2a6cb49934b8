using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Core.Spaces;

namespace ControlRL.Learning.Tests;

/// <summary>
/// A Dict-observation task for image-policy tests: a point moves in a square towards a target that is only
/// visible in a 36x36 uint8 camera image (one bright pixel); 'state' holds the point's position. Reward is minus
/// the distance; episodes are truncated by the registry's time limit after <c>length</c> steps. Without
/// <c>randomTargets</c> every episode starts alike (resume tests: a resumed run restarts its episodes).
/// </summary>
internal sealed class PixelReachEnv(int length = 8, bool randomTargets = true) : IEnv
{
    public const int Size = 36;
    private readonly Rng _rng = new(0);
    private float _x, _y, _tx, _ty;

    public EnvSpec Spec { get; } = new("PixelReach-v0",
        new Dict(("camera", Box.Image(Size, Size, 1)), ("state", Box.Uniform(2, -2f, 2f))),
        Box.Uniform(2, -1f, 1f), 0.1, 1, length, ["distance"]);

    public static EnvRegistry Registry(int length = 8, bool randomTargets = true)
    {
        var r = new EnvRegistry();
        r.Register("PixelReach-v0", () => new PixelReachEnv(length, randomTargets));
        return r;
    }

    public void Reset(ObsRow observation, ulong? seed = null)
    {
        if (seed is ulong s) _rng.Seed(s);
        _x = _y = 0;
        _tx = randomTargets ? (float)_rng.Uniform(-1, 1) : 0.5f;
        _ty = randomTargets ? (float)_rng.Uniform(-1, 1) : -0.25f;
        Write(observation);
    }

    public StepOutcome Step(ReadOnlySpan<float> action, ObsRow observation, Span<float> rewardTerms, Span<float> info = default)
    {
        if (action.Length != 2 || !float.IsFinite(action[0]) || !float.IsFinite(action[1]))
            throw new InvalidActionException("PixelReach-v0 takes 2 finite action values.");
        _x = Math.Clamp(_x + 0.2f * Math.Clamp(action[0], -1f, 1f), -2f, 2f);
        _y = Math.Clamp(_y + 0.2f * Math.Clamp(action[1], -1f, 1f), -2f, 2f);
        Write(observation);
        float d = MathF.Sqrt((_x - _tx) * (_x - _tx) + (_y - _ty) * (_y - _ty));
        rewardTerms[0] = -d;
        return new StepOutcome(-d, false, false);
    }

    private void Write(ObsRow o)
    {
        var img = o.UInt8(0);
        img.Clear();
        int px = Math.Clamp((int)((_tx + 1) / 2 * (Size - 1)), 0, Size - 1);
        int py = Math.Clamp((int)((_ty + 1) / 2 * (Size - 1)), 0, Size - 1);
        img[py * Size + px] = 255;
        var s = o.Float(1);
        s[0] = _x;
        s[1] = _y;
    }

    public void Dispose() { }
}
