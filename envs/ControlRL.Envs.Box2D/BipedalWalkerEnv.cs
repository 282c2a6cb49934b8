using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Core.Spaces;
using ControlRL.Envs.Box2D.Native;

namespace ControlRL.Envs.Box2D;

/// <summary>
/// Gymnasium's <c>BipedalWalker-v3</c> and <c>BipedalWalkerHardcore-v3</c> (gymnasium/envs/box2d/bipedal_walker.py)
/// on Box2D 2.4.1: 24 observations (hull angle, angular velocity, velocity; per leg hip angle/speed, knee
/// angle/speed, ground contact; 10 lidar fractions), 4 motor actions in [-1, 1]. Hardcore adds stumps, stairs
/// and pits to the grass.
/// </summary>
public sealed class BipedalWalkerEnv : WalkerEnv
{
    public const string EnvId = "BipedalWalker-v3";
    public const string HardcoreEnvId = "BipedalWalkerHardcore-v3";
    public const int MaxEpisodeSteps = 1600;
    public const int HardcoreMaxEpisodeSteps = 2000;

    /// <summary>Gymnasium's reward threshold ("solved") for both ids.</summary>
    public const double RewardThreshold = 300;

    internal const string GymnasiumNotes =
        "Gymnasium BipedalWalker on Box2D 2.4.1 (pybox2d ships 2.3): same bodies, fixtures, joints, terrain rules and reward, " +
        "but trajectories are not bitwise Gymnasium's (solver version, and the terrain comes from ControlRL's Rng, not NumPy's). " +
        "Terrain edges are two-sided as in 2.3. Reward terms: shaping (difference of 130*x/30 - 5*|angle|), torque_cost, " +
        "terminal (-100 on a fall, which replaces the other terms as Gymnasium replaces the reward). Clouds are not generated.";

    private enum State { Grass, Stump, Stairs, Pit }

    public BipedalWalkerEnv(bool hardcore = false)
        : base(hardcore ? HardcoreEnvId : EnvId, WalkerMorphology.Default, LidarMode.Closest, GymnasiumObservationSpace(),
            hardcore ? HardcoreMaxEpisodeSteps : MaxEpisodeSteps, GymnasiumNotes)
    {
        Hardcore = hardcore;
    }

    public bool Hardcore { get; }

    /// <summary>The spec, without building an env.</summary>
    public static EnvSpec Describe(bool hardcore) =>
        BuildSpec(hardcore ? HardcoreEnvId : EnvId, WalkerMorphology.Default, GymnasiumObservationSpace(),
            hardcore ? HardcoreMaxEpisodeSteps : MaxEpisodeSteps, GymnasiumNotes);

    /// <summary>Gymnasium's declared bounds (velocities +-5, angles +-pi, contacts [0, 5], lidar [-1, 1]).</summary>
    internal static Box GymnasiumObservationSpace()
    {
        float pi = MathF.PI;
        float[] low = [-pi, -5, -5, -5, -pi, -5, -pi, -5, -0f, -pi, -5, -pi, -5, -0f, .. Enumerable.Repeat(-1f, 10)];
        float[] high = [pi, 5, 5, 5, pi, 5, pi, 5, 5, pi, 5, pi, 5, 5, .. Enumerable.Repeat(1f, 10)];
        return new Box(low, high);
    }

    /// <summary>Gymnasium's _generate_terrain: grass with a random walk in height, and in hardcore an obstacle
    /// (stump, stairs or pit) after each grass stretch. Terrain is measured in TERRAIN_STEP columns.</summary>
    private protected override void GenerateTerrain(Rng rng, WalkerTerrain terrain)
    {
        const double step = WalkerConstants.TerrainStep;
        const double height = WalkerConstants.TerrainHeight;
        var state = State.Grass;
        double velocity = 0;
        double y = height;
        int counter = WalkerConstants.TerrainStartpad;
        bool oneshot = false;
        int stairSteps = 0, stairWidth = 0, stairHeight = 0;
        double originalY = 0;
        Span<double> poly = stackalloc double[8];

        for (int i = 0; i < WalkerConstants.TerrainLength; i++)
        {
            double x = i * step;
            if (state == State.Grass && !oneshot)
            {
                velocity = 0.8 * velocity + 0.01 * Math.Sign(height - y);
                if (i > WalkerConstants.TerrainStartpad) velocity += rng.Uniform(-1, 1) / WalkerConstants.Scale;
                y += velocity;
            }
            else if (state == State.Pit && oneshot)
            {
                counter = Integers(rng, 3, 5);
                Rect(poly, x, y, x + step, y - 4 * step);
                terrain.AddPolygon(TerrainFeature.PitWall, poly, y);
                double shift = step * counter;
                Rect(poly, x + shift, y, x + step + shift, y - 4 * step);
                terrain.AddPolygon(TerrainFeature.PitWall, poly, y);
                counter += 2;
                originalY = y;
            }
            else if (state == State.Pit && !oneshot)
            {
                y = originalY;
                if (counter > 1) y -= 4 * step;
            }
            else if (state == State.Stump && oneshot)
            {
                counter = Integers(rng, 1, 3);
                Rect(poly, x, y, x + counter * step, y + counter * step);
                terrain.AddPolygon(TerrainFeature.Stump, poly, y);
            }
            else if (state == State.Stairs && oneshot)
            {
                stairHeight = rng.NextDouble() > 0.5 ? 1 : -1;
                stairWidth = Integers(rng, 4, 5);
                stairSteps = Integers(rng, 3, 5);
                originalY = y;
                for (int s = 0; s < stairSteps; s++)
                {
                    Rect(poly,
                        x + s * stairWidth * step, y + s * stairHeight * step,
                        x + (1 + s) * stairWidth * step, y + (-1 + s * stairHeight) * step);
                    terrain.AddPolygon(TerrainFeature.Stair, poly, y + (s * stairHeight - 1) * step);
                }
                counter = stairSteps * stairWidth;
            }
            else if (state == State.Stairs && !oneshot)
            {
                int s = stairSteps * stairWidth - counter - stairHeight;
                double n = (double)s / stairWidth;
                y = originalY + n * stairHeight * step;
            }

            oneshot = false;
            terrain.AddPoint(x, y);
            counter--;
            if (counter == 0)
            {
                counter = Integers(rng, WalkerConstants.TerrainGrass / 2, WalkerConstants.TerrainGrass);
                state = state == State.Grass && Hardcore ? (State)Integers(rng, 1, 4) : State.Grass;
                oneshot = true;
            }
        }
    }

    /// <summary>NumPy's <c>integers(low, high)</c>: uniform in [low, high).</summary>
    private static int Integers(Rng rng, int low, int high) => low + rng.NextInt(high - low);

    /// <summary>Corners (x0,y0), (x1,y0), (x1,y1), (x0,y1), the reference's vertex order.</summary>
    private static void Rect(Span<double> poly, double x0, double y0, double x1, double y1)
    {
        poly[0] = x0; poly[1] = y0;
        poly[2] = x1; poly[3] = y0;
        poly[4] = x1; poly[5] = y1;
        poly[6] = x0; poly[7] = y1;
    }
}
