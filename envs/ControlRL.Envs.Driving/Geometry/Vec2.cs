namespace ControlRL.Envs.Driving.Geometry;

/// <summary>A point or direction in the town's plane, metres. x east, y north; headings in radians counter-clockwise from +x.</summary>
public readonly record struct Vec2(double X, double Y)
{
    public static Vec2 operator +(Vec2 a, Vec2 b) => new(a.X + b.X, a.Y + b.Y);
    public static Vec2 operator -(Vec2 a, Vec2 b) => new(a.X - b.X, a.Y - b.Y);
    public static Vec2 operator -(Vec2 a) => new(-a.X, -a.Y);
    public static Vec2 operator *(Vec2 a, double k) => new(a.X * k, a.Y * k);
    public static Vec2 operator *(double k, Vec2 a) => new(a.X * k, a.Y * k);

    public double Dot(Vec2 b) => X * b.X + Y * b.Y;

    /// <summary>z of the 3-D cross product: positive when <paramref name="b"/> is to the left of this.</summary>
    public double Cross(Vec2 b) => X * b.Y - Y * b.X;

    public double Length => Math.Sqrt(X * X + Y * Y);
    public double LengthSquared => X * X + Y * Y;
    public double Heading => Math.Atan2(Y, X);

    /// <summary>The unit vector, or zero for a zero vector.</summary>
    public Vec2 Normalized()
    {
        double l = Length;
        return l > 0 ? new Vec2(X / l, Y / l) : default;
    }

    /// <summary>This rotated by 90 degrees counter-clockwise (the left normal of a direction).</summary>
    public Vec2 Left => new(-Y, X);

    public Vec2 Rotate(double angle)
    {
        double c = Math.Cos(angle), s = Math.Sin(angle);
        return new Vec2(c * X - s * Y, s * X + c * Y);
    }

    public static Vec2 FromHeading(double heading) => new(Math.Cos(heading), Math.Sin(heading));

    public double DistanceTo(Vec2 b) => (this - b).Length;

    public bool IsFinite => double.IsFinite(X) && double.IsFinite(Y);

    public override string ToString() => string.Create(System.Globalization.CultureInfo.InvariantCulture, $"({X:0.###}, {Y:0.###})");
}

/// <summary>Angle helpers.</summary>
public static class Angles
{
    /// <summary>The angle wrapped into (-pi, pi].</summary>
    public static double Wrap(double a)
    {
        a = Math.IEEERemainder(a, 2 * Math.PI);
        return a <= -Math.PI ? a + 2 * Math.PI : a;
    }
}
