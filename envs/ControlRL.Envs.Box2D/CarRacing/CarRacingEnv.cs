using ControlRL.Core.Envs;
using ControlRL.Core.Spaces;

namespace ControlRL.Envs.Box2D.CarRacing;

/// <summary>
/// Gymnasium's CarRacing-v3 as an env: a 96x96x3 uint8 top view (HWC RGB) of <see cref="CarRacingSim"/>.
/// Continuous actions [steer -1..1, gas 0..1, brake 0..1], or Discrete(5) (nothing, right, left, gas, brake, as
/// Gymnasium's code maps them). Reward terms: <c>tile</c> (1000/N per newly visited tile), <c>time</c> (-0.1 per
/// frame), <c>off_playfield</c> (-100, which replaces the others on that step, as Gymnasium replaces the reward).
/// Info: <c>tiles_visited</c> (share of the track's tiles), <c>lap_complete</c>. The 1000-step limit is the
/// registry's time limit. Implements <see cref="IObservationSkipping"/>: an action-repeat wrapper can leave the
/// frames the agent never sees undrawn. Implements <see cref="IRenderable"/>: Gymnasium's "rgb_array" frame
/// (VIDEO_W x VIDEO_H = 600x400 by default, with skid marks and the indicator bar) for videos.
/// </summary>
public sealed class CarRacingEnv : IEnv, IObservationSkipping, IRenderable
{
    public const string EnvId = "CarRacing-v3";
    public const string DiscreteEnvId = "CarRacingDiscrete-v3";
    public const int MaxEpisodeSteps = 1000;
    public static readonly IReadOnlyList<string> RewardTermNames = ["tile", "time", "off_playfield"];

    private readonly CarRacingSim _sim;

    public CarRacingEnv(bool continuous = true, double lapCompletePercent = 0.95, bool domainRandomize = false)
    {
        _sim = new CarRacingSim(continuous, lapCompletePercent, domainRandomize);
        Spec = Describe(continuous);
    }

    /// <summary>The spec without building the simulator.</summary>
    public static EnvSpec Describe(bool continuous) =>
        new(continuous ? EnvId : DiscreteEnvId,
            Box.Image(CarRacingConstants.StateH, CarRacingConstants.StateW, 3),
            continuous ? new Box([-1f, 0f, 0f], [1f, 1f, 1f]) : new Discrete(5),
            1.0 / CarRacingConstants.Fps, 1, MaxEpisodeSteps, RewardTermNames)
        {
            Info = [new InfoSpec("tiles_visited", InfoAggregation.Last, "share of the track's tiles visited"),
                new InfoSpec("lap_complete", InfoAggregation.Last, "1 when the lap rule ended the episode")],
            Notes = "Gymnasium CarRacing-v3 on Box2D 2.4.1 with OpenCV drawing at 96x96 (2x supersampled); tracks come from "
                + "ControlRL's generator, so a seed gives another track than NumPy's. See docs/envs-car-racing.md.",
        };

    public EnvSpec Spec { get; }

    /// <summary>The simulator (track, car state, video frames).</summary>
    public CarRacingSim Sim => _sim;

    public bool SkipObservation { get; set; }

    public int RenderWidth { get; private set; } = CarRacingConstants.VideoW;

    public int RenderHeight { get; private set; } = CarRacingConstants.VideoH;

    /// <summary>Frame size, 8..4096 on each side; 600x400 (Gymnasium's VIDEO_W x VIDEO_H) by default.</summary>
    public void SetRenderSize(int width, int height)
    {
        if (width is < CarRacingSim.MinFrameSize or > CarRacingSim.MaxFrameSize)
            throw new ArgumentOutOfRangeException(nameof(width), width, $"{Spec.Id}: render width must be within {CarRacingSim.MinFrameSize}..{CarRacingSim.MaxFrameSize}.");
        if (height is < CarRacingSim.MinFrameSize or > CarRacingSim.MaxFrameSize)
            throw new ArgumentOutOfRangeException(nameof(height), height, $"{Spec.Id}: render height must be within {CarRacingSim.MinFrameSize}..{CarRacingSim.MaxFrameSize}.");
        RenderWidth = width;
        RenderHeight = height;
    }

    /// <summary>
    /// Gymnasium's render_mode="rgb_array" frame (<see cref="CarRacingSim.RenderFrame"/>): the 1000x800 window
    /// (zoom animation, rotation with the car, indicators, reward counter, skid marks) drawn at the frame size.
    /// Reads the simulation without changing it.
    /// </summary>
    public void Render(Span<byte> rgb) => _sim.RenderFrame(rgb, RenderWidth, RenderHeight);

    public void Reset(ObsRow observation, ulong? seed = null)
    {
        if (seed is { } s) _sim.Reset(s);
        else _sim.Reset();
        _sim.RenderObservation(observation.UInt8());
    }

    public StepOutcome Step(ReadOnlySpan<float> action, ObsRow observation, Span<float> rewardTerms, Span<float> info = default)
    {
        (float reward, bool terminated) = StepSim(action);
        // The last frame of an episode is always drawn: an action-repeat wrapper returns it even on a skipped step.
        if (!SkipObservation || terminated) _sim.RenderObservation(observation.UInt8());
        if (rewardTerms.Length >= 3)
        {
            rewardTerms[0] = _sim.LastTileReward;
            rewardTerms[1] = _sim.LastTimePenalty;
            rewardTerms[2] = _sim.LastOffPlayfieldPenalty;
        }
        if (info.Length >= 2)
        {
            info[0] = _sim.TilesVisited / (float)_sim.TileCount;
            info[1] = terminated && _sim.LapComplete ? 1f : 0f;
        }
        return new StepOutcome(reward, terminated, false);
    }

    private (float, bool) StepSim(ReadOnlySpan<float> action)
    {
        try
        {
            return _sim.Step(action);
        }
        catch (ArgumentException e) when (e is not InvalidActionException)
        {
            throw new InvalidActionException(e.Message, e);
        }
    }

    public void Dispose() => _sim.Dispose();
}
