using ControlRL.Envs.Driving.Geometry;

namespace ControlRL.Envs.Driving.Tests;

public class GeometryTests
{
    [Fact]
    public void ProjectionGivesArcLengthAndSignedLateral()
    {
        var line = new Polyline([new Vec2(0, 0), new Vec2(10, 0), new Vec2(10, 10)]);
        Assert.Equal(20, line.Length, 12);
        var left = line.Project(new Vec2(5, 2));
        Assert.Equal(5, left.S, 12);
        Assert.Equal(2, left.Lateral, 12);
        var right = line.Project(new Vec2(12, 5));
        Assert.Equal(15, right.S, 12);
        Assert.Equal(-2, right.Lateral, 12);
        Assert.Equal(new Vec2(10, 5), line.PointAt(15));
        Assert.Equal(Math.PI / 2, line.HeadingAt(15), 12);
    }

    [Fact]
    public void OffsetKeepsDistanceOnStraightParts()
    {
        var line = new Polyline([new Vec2(0, 0), new Vec2(10, 0), new Vec2(10, 10)]);
        var off = line.Offset(1);
        Assert.Equal(new Vec2(0, 1), off.Start);
        Assert.Equal(9, off.Points[1].X, 12);
        Assert.Equal(1, off.Points[1].Y, 12);
    }

    [Fact]
    public void BoxesOverlapOnlyWhenTheyTouch()
    {
        var a = new OrientedBox(new Vec2(0, 0), 0, 2, 1);
        Assert.True(a.Overlaps(new OrientedBox(new Vec2(3.9, 0), 0, 2, 1)));
        Assert.False(a.Overlaps(new OrientedBox(new Vec2(4.1, 0), 0, 2, 1)));
        // Rotated 45 degrees: the corner reaches 2 + sqrt(2) from its centre along x.
        Assert.True(a.Overlaps(new OrientedBox(new Vec2(3.3, 0), Math.PI / 4, 1, 1)));
        Assert.False(a.Overlaps(new OrientedBox(new Vec2(3.5, 0), Math.PI / 4, 1, 1)));
        Assert.False(a.Overlaps(new OrientedBox(new Vec2(2.9, 2.9), Math.PI / 4, 1, 0.5)));
    }
}
