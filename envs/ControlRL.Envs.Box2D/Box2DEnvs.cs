using ControlRL.Core.Envs;
using ControlRL.Envs.Box2D.CarRacing;

namespace ControlRL.Envs.Box2D;

/// <summary>Registers Gymnasium's BipedalWalker and CarRacing ids and teachDeepRL's Stump / Hexagon Tracks (three morphologies).</summary>
public static class Box2DEnvs
{
    /// <summary>teachDeepRL ids: track, morphology.</summary>
    private static readonly (string Id, WalkerTrack Track, Func<WalkerMorphology> Morphology)[] Tracks =
    [
        ("StumpTracks-v0", WalkerTrack.Stumps, () => WalkerMorphology.Default),
        ("StumpTracksShort-v0", WalkerTrack.Stumps, () => WalkerMorphology.Short),
        ("StumpTracksQuadru-v0", WalkerTrack.Stumps, () => WalkerMorphology.Quadru),
        ("HexagonTracks-v0", WalkerTrack.Hexagons, () => WalkerMorphology.Default),
        ("HexagonTracksShort-v0", WalkerTrack.Hexagons, () => WalkerMorphology.Short),
        ("HexagonTracksQuadru-v0", WalkerTrack.Hexagons, () => WalkerMorphology.Quadru),
    ];

    /// <summary>The ids <see cref="Register"/> adds.</summary>
    public static IReadOnlyList<string> Ids { get; } =
        [BipedalWalkerEnv.EnvId, BipedalWalkerEnv.HardcoreEnvId, .. Tracks.Select(t => t.Id), CarRacingEnv.EnvId, CarRacingEnv.DiscreteEnvId];

    /// <summary>Adds every id; <c>registry.Make(id)</c> wraps each in its time limit (1600 / 2000 steps).</summary>
    public static void Register(EnvRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        registry.Register(BipedalWalkerEnv.EnvId, () => new BipedalWalkerEnv(hardcore: false), () => BipedalWalkerEnv.Describe(false));
        registry.Register(BipedalWalkerEnv.HardcoreEnvId, () => new BipedalWalkerEnv(hardcore: true), () => BipedalWalkerEnv.Describe(true));
        foreach (var (id, track, morphology) in Tracks)
            registry.Register(id, () => new ParameterizedWalkerEnv(id, track, morphology()), () => ParameterizedWalkerEnv.Describe(id, morphology()));
        registry.Register(CarRacingEnv.EnvId, () => new CarRacingEnv(continuous: true), () => CarRacingEnv.Describe(true));
        registry.Register(CarRacingEnv.DiscreteEnvId, () => new CarRacingEnv(continuous: false), () => CarRacingEnv.Describe(false));
    }
}
