using ControlRL.Core.Spaces;
using ControlRL.Envs.Driving.Geometry;

namespace ControlRL.Envs.Driving.Bev;

/// <summary>
/// One channel of the BEV raster. The numeric values are CaRL's channel order (autonomousvision/CaRL,
/// CARLA/team_code/birds_eye_view/bev_observation.py, <c>final_masks[0..9]</c>); docs/driving-bev.md lists the encodings.
/// </summary>
public enum BevChannel
{
    /// <summary>Drivable surface: lanes and junctions, 255.</summary>
    Road = 0,

    /// <summary>The route ahead (by default only where it crosses junctions, as CaRL), 255.</summary>
    Route = 1,

    /// <summary>Lane markings: 255 solid (centre lines, road edges), 127 dashed.</summary>
    LaneMarkings = 2,

    /// <summary>Vehicles (moving and parked): 127 + speed fraction x 128.</summary>
    Vehicles = 3,

    /// <summary>Pedestrians: 127 + speed fraction x 128.</summary>
    Pedestrians = 4,

    /// <summary>Traffic-light stop lines: green 80, yellow 170, red 255.</summary>
    TrafficLights = 5,

    /// <summary>Stop-sign areas before the stop line, 255.</summary>
    StopSigns = 6,

    /// <summary>Speed-limit signs: 127 + limit fraction x 128 (the limit encoded as a speed).</summary>
    SpeedSigns = 7,

    /// <summary>Static obstacles (cones, barriers, debris), 255.</summary>
    StaticObjects = 8,

    /// <summary>Shoulder beside outer lanes (not drivable lane, not off-road), 255.</summary>
    Shoulder = 9,
}

/// <summary>
/// Geometry and content of the bird's-eye-view raster. The raster is <see cref="Height"/> x <see cref="Width"/> x
/// channels bytes (HWC), row 0 the farthest ahead of the ego, column 0 on its left; the ego faces up. Its centre lies
/// <see cref="EgoFromBottom"/> rows above the bottom edge and halfway across (<see cref="EgoPixel"/>). Drawing
/// parameters default to CaRL's (autonomousvision/CaRL, CARLA/team_code/rl_config.py), converted from pixels at 2 px/m
/// to metres so that a smaller raster shows the same things at its own resolution.
/// </summary>
public sealed class BevConfig
{
    /// <summary>Largest side in pixels.</summary>
    public const int MaxSize = 2048;

    /// <summary>Smallest side in pixels.</summary>
    public const int MinSize = 8;

    /// <summary>All ten channels in CaRL's order.</summary>
    public static IReadOnlyList<BevChannel> AllChannels { get; } = Array.AsReadOnly(Enum.GetValues<BevChannel>());

    /// <summary>A square raster of <paramref name="size"/> pixels.</summary>
    public BevConfig(int size, double pixelsPerMetre, int egoFromBottom, IReadOnlyList<BevChannel>? channels = null)
        : this(size, size, pixelsPerMetre, egoFromBottom, channels)
    {
    }

    public BevConfig(int width, int height, double pixelsPerMetre, int egoFromBottom, IReadOnlyList<BevChannel>? channels = null)
    {
        if (width < MinSize || width > MaxSize) throw new ArgumentException($"BEV width {width} px is outside {MinSize}..{MaxSize}.", nameof(width));
        if (height < MinSize || height > MaxSize) throw new ArgumentException($"BEV height {height} px is outside {MinSize}..{MaxSize}.", nameof(height));
        if (!double.IsFinite(pixelsPerMetre) || pixelsPerMetre < 0.05 || pixelsPerMetre > 50)
            throw new ArgumentException($"BEV resolution {pixelsPerMetre} px/m is not a number in 0.05..50.", nameof(pixelsPerMetre));
        if (egoFromBottom < 0 || egoFromBottom >= height)
            throw new ArgumentException($"BEV ego row {egoFromBottom} px from the bottom is outside the raster (0..{height - 1}).", nameof(egoFromBottom));
        channels ??= AllChannels;
        if (channels.Count == 0) throw new ArgumentException("BEV channel set is empty.", nameof(channels));
        var seen = new HashSet<BevChannel>();
        foreach (var c in channels)
        {
            if (!Enum.IsDefined(c)) throw new ArgumentException($"BEV channel {(int)c} does not exist.", nameof(channels));
            if (!seen.Add(c)) throw new ArgumentException($"BEV channel {c} is listed twice.", nameof(channels));
        }
        Width = width;
        Height = height;
        PixelsPerMetre = pixelsPerMetre;
        EgoFromBottom = egoFromBottom;
        Channels = [.. channels];
    }

    /// <summary>The default for CPU training: CaRL's geometry scaled down, 64 x 64 at 1 px/m, ego 25 px from the bottom (39 m ahead, 25 m behind, 32 m each side).</summary>
    public static BevConfig Default => new(64, 1.0, 25);

    /// <summary>CaRL's raster: 256 x 256 at 2 px/m, ego 100 px from the bottom (78 m ahead, 50 m behind, 64 m each side).</summary>
    public static BevConfig CaRL => new(256, 2.0, 100);

    public int Width { get; }
    public int Height { get; }
    public double PixelsPerMetre { get; }
    public int EgoFromBottom { get; }

    /// <summary>The channels in raster order (default: all ten in CaRL's order).</summary>
    public IReadOnlyList<BevChannel> Channels { get; }

    public int ChannelCount => Channels.Count;

    /// <summary>Bytes of one raster: Height x Width x channels.</summary>
    public int FrameBytes => Height * Width * Channels.Count;

    /// <summary>The observation space of the raster: uint8 [Height, Width, channels].</summary>
    public Box ObservationSpace() => Box.Image(Height, Width, Channels.Count);

    /// <summary>Index of <paramref name="channel"/> in the raster, or -1 when it is not in the set.</summary>
    public int IndexOf(BevChannel channel)
    {
        for (int i = 0; i < Channels.Count; i++)
            if (Channels[i] == channel) return i;
        return -1;
    }

    /// <summary>Width of the rendered route band, metres (CaRL: route_width 6 px at 2 px/m).</summary>
    public double RouteWidth { get; init => field = Positive(value, nameof(RouteWidth), 100); } = 3.0;

    /// <summary>How far along the route it is drawn, metres (CaRL: num_route_points_rendered 150, about 1 m apart).</summary>
    public double RouteAhead { get; init => field = Positive(value, nameof(RouteAhead), 10_000); } = 150;

    /// <summary>Draw the route only where it crosses junctions (CaRL: condition_outside_junction = False); false draws it everywhere ahead.</summary>
    public bool RouteOnlyInJunctions { get; init; } = true;

    /// <summary>Draw only the traffic lights and stop signs the route passes (as CaRL); false draws every signal in view. Without a route every signal in view is drawn.</summary>
    public bool SignalsOnRouteOnly { get; init; } = true;

    /// <summary>Thickness of a traffic light's stop line along the lane, metres (CaRL: red_light_thickness 3 px at 2 px/m).</summary>
    public double StopLineThickness { get; init => field = Positive(value, nameof(StopLineThickness), 20); } = 1.5;

    /// <summary>Smallest half length / half width of an actor box, metres (CaRL: min_ext_bounding_box 0.8), so pedestrians stay visible.</summary>
    public double MinHalfExtent { get; init => field = NonNegative(value, nameof(MinHalfExtent), 10); } = 0.8;

    /// <summary>Speed that maps to 127 (CaRL: min_speed_actor -2.67 m/s).</summary>
    public double MinActorSpeed { get; init => field = Finite(value, nameof(MinActorSpeed)); } = -2.67;

    /// <summary>Speed that maps to 255 (CaRL: max_speed_actor 33.33 m/s).</summary>
    public double MaxActorSpeed { get; init => field = Finite(value, nameof(MaxActorSpeed)); } = 33.33;

    /// <summary>Draw a one-pixel line ahead of each vehicle and pedestrian, as long as it travels in one second (CaRL: render_speed_lines).</summary>
    public bool SpeedLines { get; init; } = true;

    /// <summary>Width of painted lane markings, metres (drawn at least one pixel wide).</summary>
    public double MarkingWidth { get; init => field = Positive(value, nameof(MarkingWidth), 5); } = 0.25;

    /// <summary>Painted length of a dash of a dashed lane marking, metres.</summary>
    public double DashLength { get; init => field = Positive(value, nameof(DashLength), 100); } = 3;

    /// <summary>Gap between dashes, metres.</summary>
    public double DashGap { get; init => field = Positive(value, nameof(DashGap), 100); } = 3;

    /// <summary>The ego centre in continuous pixel coordinates (x = column, y = row; pixel (r, c) spans [c, c+1) x [r, r+1)): (Width / 2, Height - EgoFromBottom).</summary>
    public Vec2 EgoPixel => new(Width / 2.0, Height - EgoFromBottom);

    /// <summary>
    /// Where world point <paramref name="p"/> falls in the raster of an ego at <paramref name="ego"/>, in continuous pixel
    /// coordinates (x = column, y = row); the pixel is (floor(y), floor(x)).
    /// </summary>
    public Vec2 WorldToPixel(in OrientedBox ego, Vec2 p)
    {
        Vec2 d = p - ego.Centre, f = ego.Forward;
        double fwd = d.Dot(f), lat = d.Dot(f.Left);
        return new Vec2(Width / 2.0 - lat * PixelsPerMetre, Height - EgoFromBottom - fwd * PixelsPerMetre);
    }

    /// <summary>The byte CaRL draws for an actor moving at <paramref name="speed"/> m/s: 127 + floor(clip((speed - min) / (max - min), 0, 1) x 128).</summary>
    public byte EncodeSpeed(double speed)
    {
        double range = MaxActorSpeed - MinActorSpeed;
        if (!(range > 0)) throw new InvalidOperationException($"BEV speed range {MinActorSpeed}..{MaxActorSpeed} m/s is empty.");
        double fraction = Math.Clamp(speed - MinActorSpeed, 0, range) / range;
        return (byte)(127 + (int)(fraction * 128));
    }

    /// <summary>Checks the combination of settings (init properties are checked one by one as they are set).</summary>
    public void Validate()
    {
        if (!(MaxActorSpeed > MinActorSpeed))
            throw new ArgumentException($"BEV actor speed range {MinActorSpeed}..{MaxActorSpeed} m/s is empty: MaxActorSpeed must exceed MinActorSpeed.");
    }

    private static double Positive(double v, string name, double max) =>
        double.IsFinite(v) && v > 0 && v <= max ? v : throw new ArgumentException($"BEV {name} {v} is not a number in (0, {max}].", name);

    private static double NonNegative(double v, string name, double max) =>
        double.IsFinite(v) && v >= 0 && v <= max ? v : throw new ArgumentException($"BEV {name} {v} is not a number in [0, {max}].", name);

    private static double Finite(double v, string name) =>
        double.IsFinite(v) ? v : throw new ArgumentException($"BEV {name} {v} is not a finite number.", name);
}
