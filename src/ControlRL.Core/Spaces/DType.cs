namespace ControlRL.Core.Spaces;

/// <summary>Element type of a space's values in buffers (numpy's float32, uint8, int32).</summary>
public enum DType
{
    Float32,
    UInt8,
    Int32,
}

public static class DTypes
{
    /// <summary>numpy's name, as Gymnasium prints it (<c>float32</c>, <c>uint8</c>, <c>int32</c>).</summary>
    public static string Name(this DType d) => d switch
    {
        DType.Float32 => "float32",
        DType.UInt8 => "uint8",
        DType.Int32 => "int32",
        _ => throw new ArgumentOutOfRangeException(nameof(d), d, null),
    };

    public static int ByteSize(this DType d) => d == DType.UInt8 ? 1 : 4;

    /// <summary>Parses a numpy name (as written in configs and checkpoints).</summary>
    public static DType Parse(string name) => name switch
    {
        "float32" => DType.Float32,
        "uint8" => DType.UInt8,
        "int32" => DType.Int32,
        _ => throw new ArgumentException($"Unknown dtype '{name}' (known: float32, uint8, int32)."),
    };
}
