using ControlRL.Core.Spaces;

namespace ControlRL.Core.Tests;

public class SpaceTests
{
    [Fact]
    public void BoxContainsRespectsBoundsAndRejectsNaN()
    {
        var box = Box.Uniform(2, -1f, 1f);
        Assert.True(box.Contains([0.5f, -1f]));
        Assert.False(box.Contains([1.5f, 0f]));
        Assert.False(box.Contains([float.NaN, 0f]));
        Assert.False(box.Contains([0f]));
        Assert.Equal("Box(-1.0, 1.0, (2,), float32)", box.Describe());
    }

    [Fact]
    public void BoxRejectsInvertedBounds()
    {
        var ex = Assert.Throws<ArgumentException>(() => new Box([1f], [0f]));
        Assert.Contains("bound 0", ex.Message);
    }

    [Fact]
    public void DiscreteContainsIntegersBelowN()
    {
        var d = new Discrete(3);
        Assert.True(d.Contains([2f]));
        Assert.False(d.Contains([3f]));
        Assert.False(d.Contains([0.5f]));
    }
}
