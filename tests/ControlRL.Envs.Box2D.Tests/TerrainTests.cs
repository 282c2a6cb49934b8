namespace ControlRL.Envs.Box2D.Tests;

public class TerrainTests
{
    private const double Step = WalkerConstants.TerrainStep;

    [Fact]
    public void NormalTerrainIsGrassWithAFlatStartPad()
    {
        using var env = new BipedalWalkerEnv();
        env.Reset(new float[24], 9);
        var t = env.Terrain;
        Assert.Empty(t.Polygons);
        Assert.Equal(WalkerConstants.TerrainLength, t.X.Count);
        for (int i = 0; i <= WalkerConstants.TerrainStartpad; i++) Assert.Equal(WalkerConstants.TerrainHeight, t.Y[i], 9);
        Assert.Contains(t.Y, y => Math.Abs(y - WalkerConstants.TerrainHeight) > 0.05);
    }

    [Fact]
    public void HardcoreTerrainHasStumpsStairsAndPits()
    {
        using var env = new BipedalWalkerEnv(hardcore: true);
        var seen = new HashSet<TerrainFeature>();
        for (ulong seed = 0; seed < 5; seed++)
        {
            env.Reset(new float[24], seed);
            Assert.Equal(0, env.Terrain.SkippedPolygons);
            foreach (var p in env.Terrain.Polygons)
            {
                seen.Add(p.Feature);
                Assert.True(p.MinX >= WalkerConstants.TerrainStartpad * Step - 1e-9, "obstacle on the start pad");
                if (p.Feature == TerrainFeature.Stump)
                {
                    double size = p.MaxX - p.MinX;
                    Assert.True(Math.Abs(size - Step) < 1e-9 || Math.Abs(size - 2 * Step) < 1e-9);
                    Assert.Equal(size, p.Height, 9);
                }
                if (p.Feature == TerrainFeature.PitWall) Assert.Equal(4 * Step, p.MaxY - p.MinY, 9);
            }
        }
        Assert.Equal([TerrainFeature.Stump, TerrainFeature.PitWall, TerrainFeature.Stair], seen.OrderBy(f => f));
    }

    private static ParameterizedWalkerEnv Tracks(string id, params float[] task)
    {
        var env = (ParameterizedWalkerEnv)WalkerTestSupport.Registry().MakeRaw(id);
        env.SetTask(task);
        env.Reset(new float[env.Spec.ObservationSpace.FlatSize], 4);
        return env;
    }

    [Fact]
    public void StumpTracksPlaceStumpsOfTheAskedHeightAndSpacing()
    {
        using var env = Tracks("StumpTracks-v0", 2f, 1f);
        var stumps = env.Terrain.Polygons;
        Assert.All(stumps, p => Assert.Equal(TerrainFeature.TrackStump, p.Feature));
        // Start pad, then a stump every (one step wide + 1 m of grass) up to 200 steps.
        double span = WalkerConstants.TerrainLength * Step - WalkerConstants.TerrainStartpad * Step;
        Assert.InRange(stumps.Count, (int)(span / (Step + 1)) - 1, (int)(span / (Step + 1)) + 2);
        Assert.Equal(WalkerConstants.TerrainStartpad * Step, stumps[0].MinX, 9);
        for (int i = 1; i < stumps.Count; i++) Assert.Equal(Step + 1.0, stumps[i].MinX - stumps[i - 1].MinX, 9);
        var heights = stumps.Select(p => p.Height / Step).ToArray();
        Assert.InRange(heights.Average(), 1.95, 2.05);
        Assert.All(heights, h => Assert.InRange(h, 1.5, 2.5)); // N(2, 0.1)
        Assert.All(stumps, p => Assert.Equal(Step, p.MaxX - p.MinX, 9));
        Assert.Equal(0, env.Terrain.SkippedPolygons);
    }

    [Fact]
    public void StumpHeightZeroIsFlat()
    {
        using var env = Tracks("StumpTracks-v0", 0f, 0f);
        // Each stump is N(0, 0.1) floored at 0.05 steps: a few centimetres at most; spacing floors at 0.01 m.
        var stumps = env.Terrain.Polygons;
        Assert.All(stumps, p => Assert.InRange(p.Height / Step, 0.05 - 1e-9, 0.5));
        Assert.True(stumps.Average(p => p.Height / Step) < 0.15);
        for (int i = 1; i < stumps.Count; i++) Assert.Equal(Step + 0.01, stumps[i].MinX - stumps[i - 1].MinX, 9);
        Assert.All(env.Terrain.Y, y => Assert.Equal(WalkerConstants.TerrainHeight, y, 9));
    }

    [Fact]
    public void HexagonTracksPlaceHexagonsEveryEightMetres()
    {
        using var env = Tracks("HexagonTracks-v0", [.. Enumerable.Repeat(1f, 12)]);
        var hexagons = env.Terrain.Polygons;
        Assert.InRange(hexagons.Count, 8, 11);
        Assert.All(hexagons, p => Assert.Equal(TerrainFeature.Hexagon, p.Feature));
        for (int i = 1; i < hexagons.Count; i++) Assert.InRange(hexagons[i].MinX - hexagons[i - 1].MinX, 8.5, 9.5);
        // Vertex offsets of 1 step: about 1.5 steps high.
        Assert.All(hexagons, p => Assert.InRange(p.Height / Step, 1.1, 1.9));
        Assert.Equal(0, env.Terrain.SkippedPolygons);
    }
}
