using System.Globalization;
using System.Text;

namespace ControlRL.Cli.Logging;

/// <summary>
/// progress.csv: one row per logged step, columns <c>global_step, wall_time</c> then every tag in the order it
/// was first seen. Design: scalars with the same step are gathered into one row, which is written when a
/// different step arrives, a tag repeats within the step (two episodes ending at the same step), or on
/// <see cref="Flush"/>. The header is written with the first row. When a later row brings a new tag (an
/// evaluation metric first logged after 100 updates), the file is rewritten once through a temporary file with
/// the wider header, and older rows get empty cells for it; existing columns never move. Opening an existing
/// file (resume) continues it with its own columns.
/// </summary>
public sealed class CsvMetricsSink : IMetricsSink, IDisposable
{
    private static readonly string[] FixedColumns = ["global_step", "wall_time"];

    private readonly string _path;
    private readonly List<string> _columns = [];
    private readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _row = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();
    private StreamWriter? _writer;
    private bool _headerWritten;
    private long _rowStep = long.MinValue;

    public CsvMetricsSink(string path)
    {
        _path = Path.GetFullPath(path);
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        foreach (var c in FixedColumns) AddColumn(c);
        if (File.Exists(_path) && new FileInfo(_path).Length > 0)
        {
            string header = File.ReadLines(_path).First();
            var cols = SplitCsvLine(header);
            if (cols.Count < 2 || cols[0] != FixedColumns[0])
                throw new InvalidDataException($"'{_path}' is not a progress.csv written by controlrl (header: {header}).");
            foreach (var c in cols.Skip(FixedColumns.Length)) AddColumn(c);
            _headerWritten = true;
            // A run killed mid-write leaves a partial last line; start the continuation on a fresh one.
            using var fs = new FileStream(_path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            fs.Seek(-1, SeekOrigin.End);
            if (fs.ReadByte() != '\n') fs.WriteByte((byte)'\n');
        }
    }

    public IReadOnlyList<string> Columns => _columns;

    /// <summary>
    /// Before a resumed run appends: drops every row logged after <paramref name="step"/> (the checkpoint's), which
    /// the interrupted run wrote after its last checkpoint and the resumed run will log again, and a partial last
    /// line. Rewritten through a synced temp file and a rename. Returns the number of rows dropped.
    /// </summary>
    public static int TruncateAfter(string path, long step)
    {
        if (!File.Exists(path) || new FileInfo(path).Length == 0) return 0;
        string tmp = path + ".tmp";
        int dropped = 0;
        using (var output = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None))
        using (var w = new StreamWriter(output, new UTF8Encoding(false)))
        {
            bool first = true;
            string text = File.ReadAllText(path);
            // A last line without its newline was cut off mid-write.
            int end = text.EndsWith('\n') ? text.Length : text.LastIndexOf('\n') + 1;
            foreach (string line in text[..end].Split('\n'))
            {
                if (line.Length == 0) continue;
                if (!first)
                {
                    int comma = line.IndexOf(',');
                    if (!long.TryParse(comma < 0 ? line : line[..comma], NumberStyles.Integer, CultureInfo.InvariantCulture, out long s) || s > step)
                    {
                        dropped++;
                        continue;
                    }
                }
                first = false;
                w.Write(line);
                w.Write('\n');
            }
            w.Flush();
            output.Flush(flushToDisk: true);
        }
        File.Move(tmp, path, overwrite: true);
        ControlRL.Core.Checkpoints.Durable.SyncDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        return dropped;
    }

    public void Scalar(string tag, double value, long step)
    {
        ArgumentException.ThrowIfNullOrEmpty(tag);
        lock (_lock)
        {
            if (_row.Count > 0 && (step != _rowStep || _row.ContainsKey(tag))) CommitRow();
            _rowStep = step;
            _row[tag] = value;
        }
    }

    public void Flush()
    {
        lock (_lock)
        {
            if (_row.Count > 0) CommitRow();
            _writer?.Flush();
        }
    }

    public void Dispose()
    {
        Flush();
        lock (_lock)
        {
            _writer?.Dispose();
            _writer = null;
        }
    }

    private void CommitRow()
    {
        bool widened = false;
        foreach (var tag in _row.Keys)
        {
            if (!_index.ContainsKey(tag))
            {
                AddColumn(tag);
                widened = true;
            }
        }
        if (widened && _headerWritten) RewriteWithCurrentHeader();
        var w = Writer();
        if (!_headerWritten)
        {
            w.Write(string.Join(",", _columns.Select(Quote)));
            w.Write('\n');
            _headerWritten = true;
        }
        var cells = new string[_columns.Count];
        cells[0] = _rowStep.ToString(CultureInfo.InvariantCulture);
        cells[1] = (DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() / 1000.0).ToString("F3", CultureInfo.InvariantCulture);
        for (int i = 2; i < cells.Length; i++) cells[i] = "";
        foreach (var (tag, v) in _row) cells[_index[tag]] = v.ToString("R", CultureInfo.InvariantCulture);
        w.Write(string.Join(",", cells));
        w.Write('\n');
        _row.Clear();
    }

    private void RewriteWithCurrentHeader()
    {
        _writer?.Dispose();
        _writer = null;
        string tmp = _path + ".tmp";
        using (var output = new StreamWriter(tmp, append: false, new UTF8Encoding(false)))
        {
            output.Write(string.Join(",", _columns.Select(Quote)));
            output.Write('\n');
            bool first = true;
            foreach (var line in File.ReadLines(_path))
            {
                if (first)
                {
                    first = false;
                    continue;
                }
                if (line.Length == 0) continue;
                int have = SplitCsvLine(line).Count;
                output.Write(line);
                output.Write(new string(',', Math.Max(0, _columns.Count - have)));
                output.Write('\n');
            }
        }
        File.Move(tmp, _path, overwrite: true);
    }

    private StreamWriter Writer() =>
        _writer ??= new StreamWriter(new FileStream(_path, FileMode.Append, FileAccess.Write, FileShare.Read), new UTF8Encoding(false));

    private void AddColumn(string name)
    {
        _index[name] = _columns.Count;
        _columns.Add(name);
    }

    private static string Quote(string s) =>
        s.IndexOfAny([',', '"', '\n', '\r']) < 0 ? s : "\"" + s.Replace("\"", "\"\"") + "\"";

    /// <summary>Splits one CSV line (RFC 4180 quoting).</summary>
    public static List<string> SplitCsvLine(string line)
    {
        var cells = new List<string>();
        var sb = new StringBuilder();
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            char c = line[i];
            if (quoted)
            {
                if (c == '"' && i + 1 < line.Length && line[i + 1] == '"') { sb.Append('"'); i++; }
                else if (c == '"') quoted = false;
                else sb.Append(c);
            }
            else if (c == '"') quoted = true;
            else if (c == ',') { cells.Add(sb.ToString()); sb.Clear(); }
            else sb.Append(c);
        }
        cells.Add(sb.ToString());
        return cells;
    }
}
