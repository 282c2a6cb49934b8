namespace ControlRL.Envs.MuJoCo.Native;

/// <summary>
/// One pointer array of mjModel or mjData as described by mjxmacro.h: element count is
/// rows * (ColsField is null ? ColsFactor : model.ColsField * ColsFactor). Rows/cols refer to mjModel size fields.
/// </summary>
internal sealed record MjArrayLayout(
    string Name,
    string CType,
    int ElementSize,
    int PointerOffset,
    string RowsField,
    int RowsOffset,
    string? ColsField,
    int ColsOffset,
    int ColsFactor,
    string Dimension)
{
    /// <summary>Number of elements for the model whose native struct starts at <paramref name="model"/>.</summary>
    public unsafe long Length(byte* model)
    {
        long rows = *(int*)(model + RowsOffset);
        long cols = ColsField is null ? ColsFactor : (long)*(int*)(model + ColsOffset) * ColsFactor;
        return rows * cols;
    }
}
