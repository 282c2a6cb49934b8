namespace ControlRL.Envs.Box2D;

/// <summary>
/// Body plan of a walker: hull polygon, leg size, leg pairs and motor strength. <see cref="Default"/> is
/// Gymnasium's BipedalWalker; <see cref="Short"/> and <see cref="Quadru"/> are teachDeepRL's other students.
/// </summary>
public sealed class WalkerMorphology
{
    private WalkerMorphology(string name, double[] hullPolygonPixels, double hullWidthPixels, double legWidth, double legHeight,
        double[] pairAnchors, double motorsTorque, double torquePenalty)
    {
        Name = name;
        HullPolygonPixels = hullPolygonPixels;
        HullWidthPixels = hullWidthPixels;
        LegWidth = legWidth;
        LegHeight = legHeight;
        PairAnchors = pairAnchors;
        MotorsTorque = motorsTorque;
        TorquePenalty = torquePenalty;
    }

    /// <summary>Gymnasium's walker (teachDeepRL "default"): leg height 34/30.</summary>
    public static WalkerMorphology Default { get; } = new("default",
        [-30, 9, 6, 9, 34, 1, 34, -8, -30, -8], 64, 8 / WalkerConstants.Scale, 34 / WalkerConstants.Scale, [0.0], 80, 0.00035);

    /// <summary>teachDeepRL "short": legs half as long (17/30).</summary>
    public static WalkerMorphology Short { get; } = new("short",
        [-30, 9, 6, 9, 34, 1, 34, -8, -30, -8], 64, 8 / WalkerConstants.Scale, 17 / WalkerConstants.Scale, [0.0], 80, 0.00035);

    /// <summary>teachDeepRL "quadru": a longer hull on two leg pairs (legs 51/30), torque 300, torque penalty / 8.</summary>
    public static WalkerMorphology Quadru { get; } = new("quadru",
        [-46, 13, 6, 13, 50, 5, 50, -12, -46, -12], 96, 10 / WalkerConstants.Scale, 51 / WalkerConstants.Scale, [-1.2, 0.85], 300, 0.00035 / 8);

    public string Name { get; }

    /// <summary>Hull polygon vertices (x, y pairs) in pixels; divided by <see cref="WalkerConstants.Scale"/> for metres.</summary>
    public IReadOnlyList<double> HullPolygonPixels { get; }

    /// <summary>Hull width in pixels (teachDeepRL's HULL_WIDTH, used to place the leg bodies of each pair).</summary>
    public double HullWidthPixels { get; }

    public double LegWidth { get; }

    public double LegHeight { get; }

    /// <summary>
    /// Hull-local x of each pair's hip anchor (metres). teachDeepRL also uses it, mapped from [-1, 1] onto the
    /// hull width (clamped), as the x where the pair's leg bodies are created.
    /// </summary>
    public IReadOnlyList<double> PairAnchors { get; }

    public int Pairs => PairAnchors.Count;

    /// <summary>Maximum motor torque at |action| = 1.</summary>
    public double MotorsTorque { get; }

    /// <summary>Torque cost per unit of MotorsTorque * |action| (Gymnasium: 0.00035).</summary>
    public double TorquePenalty { get; }

    /// <summary>Observation length: hull (4), 5 per leg, lidar (10).</summary>
    public int ObservationSize => 4 + 10 * Pairs + WalkerConstants.LidarRays;

    public int ActionSize => 4 * Pairs;

    /// <summary>World x of a pair's leg bodies for a hull at <paramref name="hullX"/> (np.interp, which clamps).</summary>
    internal double LegBodyX(int pair, double hullX)
    {
        double a = Math.Clamp(PairAnchors[pair], -1.0, 1.0);
        double half = HullWidthPixels / 2 / WalkerConstants.Scale;
        double slope = (half - -half) / (1.0 - -1.0);
        return hullX + (slope * (a - -1.0) + -half);
    }
}

/// <summary>Constants shared by Gymnasium's and teachDeepRL's walkers.</summary>
public static class WalkerConstants
{
    public const int Fps = 50;
    public const double Scale = 30.0;
    public const double SpeedHip = 4;
    public const double SpeedKnee = 6;
    public const double LidarRange = 160 / Scale;
    public const int LidarRays = 10;
    public const double InitialRandom = 5;
    public const double LegDown = -8 / Scale;
    public const double ViewportW = 600;
    public const double ViewportH = 400;
    public const double TerrainStep = 14 / Scale;
    public const int TerrainLength = 200;
    public const double TerrainHeight = ViewportH / Scale / 4;
    public const int TerrainGrass = 10;
    public const int TerrainStartpad = 20;
    public const double Friction = 2.5;
    public const int VelocityIterations = 6 * 30;
    public const int PositionIterations = 2 * 30;

    /// <summary>Hull x beyond which the episode ends as a success.</summary>
    public const double FinishX = (TerrainLength - TerrainGrass) * TerrainStep;
}
