using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Core.Spaces;
using ControlRL.Core.Tasks;
using ControlRL.Envs.Box2D.Native;

namespace ControlRL.Envs.Box2D;

/// <summary>Which obstacle family a teachDeepRL track has.</summary>
public enum WalkerTrack
{
    /// <summary>Stump Tracks: stumps of a mean height (TERRAIN_STEP units) at a spacing (metres).</summary>
    Stumps,

    /// <summary>Hexagon Tracks: hexagons whose six vertices are displaced by a 12-D shape vector.</summary>
    Hexagons,
}

/// <summary>
/// teachDeepRL's parameterized walker (teachDRL/gym_flowers/envs/bipedal_walker_continuous.py) with its Stump
/// Tracks and Hexagon Tracks task spaces and its three morphologies. The task chosen by <see cref="SetTask"/>
/// applies at the next Reset; before any SetTask the task is the centre of the task space.
/// </summary>
public sealed class ParameterizedWalkerEnv : WalkerEnv, IParameterizedEnv
{
    public const int MaxEpisodeSteps = 2000;

    /// <summary>teachDeepRL's "mastered" bar: a test-set return above this.</summary>
    public const double MasteredReturn = 230;

    /// <summary>Obstacle spacing of Hexagon Tracks (teachDeepRL's default when no spacing is given), metres.</summary>
    public const double HexagonSpacing = 8.0;

    /// <summary>Standard deviation of each stump's height around the task's mean (TERRAIN_STEP units).</summary>
    public const double StumpHeightStd = 0.1;

    private static readonly double[] DefaultHexagon = [-0.5, 0, -0.5, 0.25, -0.25, 0.5, 0.25, 0.5, 0.5, 0.25, 0.5, 0];

    private readonly float[] _pending;
    private readonly float[] _current;

    internal const string TeachNotes =
        "teachDeepRL's parameterized walker on Box2D 2.4.1. Differences from Gymnasium's walker, followed here: flat start pad " +
        "then alternating obstacle / grass stretch, grass stretches of obstacle_spacing metres with no roughness; 2000 steps; " +
        "unbounded observation space; lidar returns the first ground fixture Box2D reports (not the closest); only the first " +
        "leg pair reports ground contact (quadru's second pair reads 0); quadru: torque 300, torque penalty 0.00035/8, leg bodies " +
        "created at the interpolated hull x while the hip anchor uses the raw pair x. Hexagon noise comes from the env's Rng " +
        "(teachDeepRL draws it from NumPy's unseeded global generator).";

    /// <summary>The spec, without building an env.</summary>
    public static EnvSpec Describe(string id, WalkerMorphology morphology) =>
        BuildSpec(id, morphology, Box.Uniform(morphology.ObservationSize, float.NegativeInfinity, float.PositiveInfinity), MaxEpisodeSteps, TeachNotes);

    public ParameterizedWalkerEnv(string id, WalkerTrack track, WalkerMorphology morphology)
        : base(id, morphology, LidarMode.First,
            Box.Uniform(morphology.ObservationSize, float.NegativeInfinity, float.PositiveInfinity), MaxEpisodeSteps, TeachNotes)
    {
        Track = track;
        TaskSpace = track switch
        {
            WalkerTrack.Stumps => new TaskSpace(["stump_height", "obstacle_spacing"], [0f, 0f], [3f, 6f]),
            WalkerTrack.Hexagons => new TaskSpace(
                Enumerable.Range(0, 12).Select(i => $"poly_shape_{i}").ToArray(), new float[12], Enumerable.Repeat(4f, 12).ToArray()),
            _ => throw new ArgumentOutOfRangeException(nameof(track)),
        };
        _pending = TaskSpace.Center();
        _current = (float[])_pending.Clone();
    }

    public WalkerTrack Track { get; }

    public TaskSpace TaskSpace { get; }

    /// <summary>The task of the current episode (the pending one becomes current at Reset).</summary>
    public ReadOnlySpan<float> CurrentTask => _current;

    public void SetTask(ReadOnlySpan<float> task)
    {
        TaskSpace.Validate(task, Id);
        task.CopyTo(_pending);
    }

    private protected override void BeforeReset() => _pending.AsSpan().CopyTo(_current);

    /// <summary>teachDeepRL's render draws every lidar ray in every frame.</summary>
    private protected override bool DrawAllLidarRays => true;

    /// <summary>
    /// teachDeepRL's hexagon colour, (1, clip(dy_0 / 3, 0, 1), clip(dy_5 / 3, 0, 1)) from the first and last
    /// vertices' vertical offsets (which do not move those vertices, only tint the obstacle), as 0xRRGGBB.
    /// </summary>
    private static int HexagonColor(double firstDy, double lastDy)
    {
        int g = (int)(255 * Math.Clamp(firstDy / 3, 0, 1));
        int b = (int)(255 * Math.Clamp(lastDy / 3, 0, 1));
        return (255 << 16) | (g << 8) | b;
    }

    /// <summary>
    /// teachDeepRL's _generate_terrain for one obstacle family: a flat start pad, then an obstacle and a grass
    /// stretch in turn until TERRAIN_LENGTH steps of x are covered.
    /// </summary>
    private protected override void GenerateTerrain(Rng rng, WalkerTerrain terrain)
    {
        const double step = WalkerConstants.TerrainStep;
        const double height = WalkerConstants.TerrainHeight;
        double spacing = Track == WalkerTrack.Stumps ? Math.Max(0.01, (double)_current[1]) : HexagonSpacing;
        double maxX = WalkerConstants.TerrainLength * step;
        double startpad = WalkerConstants.TerrainStartpad * step;
        double velocity = 0;
        double y = height;
        double x = 0;
        terrain.AddPoint(x, y);
        x += startpad;
        terrain.AddPoint(x, y);
        bool obstacle = true; // the reference starts with an obstacle right after the start pad
        Span<double> poly = stackalloc double[12];
        while (x < maxX)
        {
            double pointX = x;
            if (!obstacle)
            {
                // Grass: teachDeepRL's random walk in height with roughness 0, which keeps the track flat.
                velocity = 0.8 * velocity + 0.01 * Math.Sign(height - y);
                y += velocity;
                x += spacing;
            }
            else if (Track == WalkerTrack.Stumps)
            {
                double h = Math.Max(0.05, _current[0] + StumpHeightStd * rng.Normal());
                double w = step;
                poly[0] = x; poly[1] = y;
                poly[2] = x + w; poly[3] = y;
                poly[4] = x + w; poly[5] = y + h * step;
                poly[6] = x; poly[7] = y + h * step;
                x += w;
                terrain.AddPolygon(TerrainFeature.TrackStump, poly[..8], y);
            }
            else
            {
                double firstDy = 0, lastDy = 0;
                for (int v = 0; v < 6; v++)
                {
                    double dx = Math.Clamp(_current[2 * v], 0f, 4f) + 0.1 * rng.Normal();
                    double dy = Math.Clamp(_current[2 * v + 1], 0f, 4f) + 0.1 * rng.Normal();
                    poly[2 * v] = x + DefaultHexagon[2 * v] * step + dx * step;
                    // The first and last vertices stay on the ground.
                    poly[2 * v + 1] = v == 0 || v == 5 ? y + DefaultHexagon[2 * v + 1] * step : y + DefaultHexagon[2 * v + 1] * step + dy * step;
                    if (v == 0) firstDy = dy;
                    if (v == 5) lastDy = dy;
                }
                x += 1;
                terrain.AddPolygon(TerrainFeature.Hexagon, poly, y, HexagonColor(firstDy, lastDy));
            }
            terrain.AddPoint(pointX, y);
            obstacle = !obstacle;
        }
    }
}
