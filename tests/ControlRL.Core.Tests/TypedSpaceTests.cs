using ControlRL.Core.Envs;
using ControlRL.Core.Random;
using ControlRL.Core.Spaces;

namespace ControlRL.Core.Tests;

public class TypedSpaceTests
{
    private static Dict CarLike() => new(
        ("camera", Box.Image(4, 5, 3)),
        ("speed", Box.Uniform(1, 0f, 100f)),
        ("gear", new Discrete(6)),
        ("lights", new MultiDiscrete([3, 2])));

    [Fact]
    public void DescribeFollowsGymnasium()
    {
        Assert.Equal("Box(0, 255, (96, 96, 3), uint8)", Box.Image(96, 96, 3).Describe());
        Assert.Equal("Box(-1.0, 1.0, (2,), float32)", Box.Uniform(2, -1f, 1f).Describe());
        Assert.Equal("MultiDiscrete([3, 2])", new MultiDiscrete([3, 2]).Describe());
        Assert.Equal("Dict('camera': Box(0, 255, (4, 5, 3), uint8), 'speed': Box(0.0, 100.0, (1,), float32), 'gear': Discrete(6), 'lights': MultiDiscrete([3, 2]))",
            CarLike().Describe());
    }

    [Fact]
    public void DictLeavesKeepOrderAndFlattenNesting()
    {
        var nested = new Dict(("policy", CarLike()), ("critic", Box.Uniform(3, -1f, 1f)));
        Assert.Equal(["policy.camera", "policy.speed", "policy.gear", "policy.lights", "critic"], nested.Leaves.Select(l => l.Key));
        Assert.Equal(4 * 5 * 3 + 1 + 1 + 2 + 3, nested.FlatSize);
        Assert.Equal(2, nested.LeafIndex("policy.gear"));
        Assert.False(nested.IsFlatFloat);
        Assert.True(Box.Uniform(3, -1f, 1f).IsFlatFloat);
        Assert.False(Box.Image(2, 2, 1).IsFlatFloat);
    }

    [Fact]
    public void DictRejectsBadKeys()
    {
        Assert.Contains("twice", Assert.Throws<ArgumentException>(() => new Dict(("a", new Discrete(2)), ("a", new Discrete(3)))).Message);
        Assert.Contains("'.'", Assert.Throws<ArgumentException>(() => new Dict(("a.b", new Discrete(2)))).Message);
    }

    [Fact]
    public void BoxChecksIntegerDtypes()
    {
        Assert.Contains("uint8", Assert.Throws<ArgumentException>(() => Box.Uniform([2], 0, 256, DType.UInt8)).Message);
        Assert.Contains("integers", Assert.Throws<ArgumentException>(() => Box.Uniform([2], 0.5f, 2, DType.Int32)).Message);
        Assert.Contains("holds", Assert.Throws<ArgumentException>(() => new Box(new float[5], new float[5], [2, 2])).Message);
    }

    [Fact]
    public void SampledElementsAreContainedPerDtype()
    {
        var space = CarLike();
        var batch = new ObservationBatch(space, 3);
        var rng = new Rng(7);
        for (int r = 0; r < 3; r++)
        {
            space.Sample(rng, batch.Row(r));
            Assert.True(space.Contains(batch.Row(r)));
        }
        Assert.Equal(3 * 60, batch.Bytes(0).Length);
        Assert.Contains(batch.Bytes(0), b => b > 128); // 180 uniform draws over 0..255
        batch.IntRow(2, 1)[0] = 6;                      // gear 6 is outside Discrete(6)
        Assert.False(space.Contains(batch.Row(1)));
        Assert.Equal("key 'gear' is outside Discrete(6)", space.Why(batch.Row(1)));
    }

    [Fact]
    public void UnboundedFloatBoxSamplesFiniteValues()
    {
        var box = Box.Uniform(100, float.NegativeInfinity, float.PositiveInfinity);
        var x = new float[100];
        box.Sample(new Rng(1), x);
        Assert.All(x, v => Assert.True(float.IsFinite(v)));
        Assert.True(box.Contains(x));
    }

    [Fact]
    public void ObservationBatchCopiesRowsPerLeaf()
    {
        var space = CarLike();
        var a = new ObservationBatch(space, 2);
        var b = new ObservationBatch(space, 4);
        space.Sample(new Rng(3), a.Row(1));
        a.CopyRow(1, b, 3);
        Assert.Equal(a.ByteRow(0, 1).ToArray(), b.ByteRow(0, 3).ToArray());
        Assert.Equal(a.FloatRow(1, 1).ToArray(), b.FloatRow(1, 3).ToArray());
        Assert.Equal(a.IntRow(3, 1).ToArray(), b.IntRow(3, 3).ToArray());
        var wrong = new ObservationBatch(Box.Uniform(3, 0f, 1f), 4);
        Assert.Throws<ArgumentException>(() => a.CopyRow(0, wrong, 0));
        var ex = Assert.Throws<InvalidOperationException>(() => a.Floats(0));
        Assert.Contains("'camera'", ex.Message);
        Assert.Contains("uint8", ex.Message);
    }

    [Fact]
    public void RegistryDescribesWithoutBuildingAndChecksBuiltSpecs()
    {
        int built = 0;
        var spec = new EnvSpec("Toy-v0", Box.Uniform(2, -1000f, 1000f), Box.Uniform(1, -1f, 1f), 0.1, 1, 0, ["a", "b"]);
        var reg = new EnvRegistry();
        reg.Register("Toy-v0", () => { built++; return new ToyEnv(); }, () => spec);
        Assert.Same(spec, reg.Describe("Toy-v0"));
        Assert.Equal(0, built);
        reg.MakeRaw("Toy-v0").Dispose();
        Assert.Equal(1, built);

        var lying = new EnvRegistry();
        lying.Register("Toy-v0", () => new ToyEnv(), () => spec with { RewardTerms = ["a"] });
        Assert.Contains("reward terms", Assert.Throws<InvalidOperationException>(() => lying.MakeRaw("Toy-v0")).Message);
    }
}
