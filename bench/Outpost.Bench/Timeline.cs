using System.Globalization;
using Outpost.Core.Client;
using Outpost.Core.Protocol;

namespace Outpost.Bench;

/// <summary>
/// Where a lane's time goes, job by job, from the responder's own records: the outpost.log
/// "job started" / "job finished" lines and the .result started / finished stamps (all UTC,
/// millisecond resolution, so only means over many jobs are meaningful).
/// </summary>
internal sealed class LaneTimeline
{
    private LaneTimeline(List<Span> spans) => Spans = spans;

    /// <summary>One job: logged start, dispatcher start, dispatcher end, logged finish.</summary>
    public sealed record Span(string Stem, DateTime Logged, DateTime Started, DateTime Finished, DateTime LoggedDone);

    public List<Span> Spans { get; }

    /// <summary>Previous job's "finished" log line → this job's "started" line: rescan, checks, read, claim, busy status.</summary>
    public IEnumerable<double> PickupMs(int from, int to)
    {
        for (int i = Math.Max(from, 1); i < Math.Min(to, Spans.Count); i++)
            yield return (Spans[i].Logged - Spans[i - 1].LoggedDone).TotalMilliseconds;
    }

    /// <summary>Dispatcher start → end: script file, setsid + interpreter, pipes, output fsyncs.</summary>
    public IEnumerable<double> RunMs(int from = 0, int to = int.MaxValue) =>
        Range(from, to).Select(s => (s.Finished - s.Started).TotalMilliseconds);

    /// <summary>Dispatcher end → "finished" log line: publish .stdout/.stderr/.result, archive, drop the claim.</summary>
    public IEnumerable<double> PublishMs(int from = 0, int to = int.MaxValue) =>
        Range(from, to).Select(s => (s.LoggedDone - s.Finished).TotalMilliseconds);

    /// <summary>"started" log line → dispatcher start: empty output files, interpreter lookup.</summary>
    public IEnumerable<double> PrepareMs(int from = 0, int to = int.MaxValue) =>
        Range(from, to).Select(s => (s.Started - s.Logged).TotalMilliseconds);

    private IEnumerable<Span> Range(int from, int to) => Spans.Skip(from).Take(Math.Max(0, Math.Min(to, Spans.Count) - from));

    /// <summary>Reads the share's outpost.log for one lane and joins it with the jobs' results (in dispatch order).</summary>
    public static LaneTimeline Read(string share, int lane, IEnumerable<OutpostResult> results)
    {
        var started = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        var finished = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        string laneField = " lane=" + lane.ToString(CultureInfo.InvariantCulture) + " ";
        foreach (string line in File.ReadLines(Path.Combine(share, Wire.EventLogFile)))
        {
            if (line.Length < 24 || !line.Contains(laneField, StringComparison.Ordinal)) continue;
            bool isStart = line.EndsWith(" job started", StringComparison.Ordinal);
            bool isDone = line.Contains(" job finished", StringComparison.Ordinal);
            if (!isStart && !isDone) continue;
            int at = line.IndexOf(" stem=", StringComparison.Ordinal);
            if (at < 0) continue;
            int end = line.IndexOf(' ', at + 6);
            string stem = line.Substring(at + 6, (end < 0 ? line.Length : end) - at - 6);
            if (!DateTime.TryParseExact(line[..23], "yyyy-MM-dd HH:mm:ss.fff", CultureInfo.InvariantCulture,
                    DateTimeStyles.AdjustToUniversal | DateTimeStyles.AssumeUniversal, out var time)) continue;
            (isStart ? started : finished)[stem] = time;
        }
        var spans = new List<Span>();
        foreach (var result in results.Where(r => r.Lane == lane && r.Started.HasValue && r.Finished.HasValue))
        {
            if (started.TryGetValue(result.Stem, out var logged) && finished.TryGetValue(result.Stem, out var done))
                spans.Add(new Span(result.Stem, logged, result.Started!.Value, result.Finished!.Value, done));
        }
        spans.Sort((a, b) => a.Logged.CompareTo(b.Logged));
        return new LaneTimeline(spans);
    }
}
