namespace ControlRL.Envs.Driving.Geometry;

/// <summary>A rectangle in the plane: centre, heading of its length axis, half extents. Vehicle and obstacle footprints.</summary>
public readonly record struct OrientedBox(Vec2 Centre, double Heading, double HalfLength, double HalfWidth)
{
    public Vec2 Forward => Vec2.FromHeading(Heading);

    /// <summary>Writes the four corners counter-clockwise: front-left, rear-left, rear-right, front-right.</summary>
    public void Corners(Span<Vec2> corners)
    {
        Vec2 f = Forward * HalfLength, l = Forward.Left * HalfWidth;
        corners[0] = Centre + f + l;
        corners[1] = Centre - f + l;
        corners[2] = Centre - f - l;
        corners[3] = Centre + f - l;
    }

    /// <summary>Separating-axis test of two rectangles (touching counts as overlapping).</summary>
    public bool Overlaps(in OrientedBox other)
    {
        Vec2 d = other.Centre - Centre;
        double r = HalfLength + HalfWidth + other.HalfLength + other.HalfWidth;
        if (d.LengthSquared > r * r) return false;
        Vec2 a0 = Forward, a1 = a0.Left, b0 = other.Forward, b1 = b0.Left;
        return !Separates(a0, d, HalfLength, other, b0, b1)
            && !Separates(a1, d, HalfWidth, other, b0, b1)
            && !Separates(b0, d, other.HalfLength, this, a0, a1)
            && !Separates(b1, d, other.HalfWidth, this, a0, a1);
    }

    private static bool Separates(Vec2 axis, Vec2 d, double ownHalf, in OrientedBox box, Vec2 b0, Vec2 b1) =>
        Math.Abs(d.Dot(axis)) > ownHalf + box.HalfLength * Math.Abs(b0.Dot(axis)) + box.HalfWidth * Math.Abs(b1.Dot(axis));

    /// <summary>True when <paramref name="p"/> lies inside (or on) the rectangle.</summary>
    public bool Contains(Vec2 p)
    {
        Vec2 d = p - Centre, f = Forward;
        return Math.Abs(d.Dot(f)) <= HalfLength && Math.Abs(d.Dot(f.Left)) <= HalfWidth;
    }
}
