using System;
using System.Diagnostics;
using System.Management.Automation;
using Outpost.Core.Files;

namespace Outpost.PowerShell
{
    /// <summary>
    /// A progress bar for files moving through a share. It appears only once a transfer has taken half a
    /// second (small ones finish without a flicker) and is redrawn at most five times a second, since Core
    /// reports every buffer.
    /// </summary>
    internal sealed class TransferProgressBar
    {
        private static readonly TimeSpan ShowAfter = TimeSpan.FromMilliseconds(500);
        private static readonly TimeSpan Redraw = TimeSpan.FromMilliseconds(200);
        private readonly Func<TimeSpan> _elapsed;
        private readonly int _activityId;
        private readonly string _activity;
        private readonly Action<ProgressRecord> _write;
        private TimeSpan? _drawn;
        private bool _shown;

        /// <param name="elapsed">Time since the transfer started (tests give their own clock).</param>
        public TransferProgressBar(int activityId, string activity, Action<ProgressRecord> write, Func<TimeSpan>? elapsed = null)
        {
            _activityId = activityId;
            _activity = activity;
            _write = write;
            if (elapsed is null)
            {
                var clock = Stopwatch.StartNew();
                elapsed = () => clock.Elapsed;
            }
            _elapsed = elapsed;
        }

        public void Report(TransferProgress progress)
        {
            var now = _elapsed();
            if (now < ShowAfter || _drawn is { } drawn && now - drawn < Redraw) return;
            _drawn = now;
            int percent = progress.BytesTotal <= 0 ? 100 : (int)Math.Min(100, progress.BytesDone * 100 / progress.BytesTotal);
            _write(new ProgressRecord(_activityId, _activity, $"{Size(progress.BytesDone)} of {Size(progress.BytesTotal)}")
            {
                PercentComplete = percent,
                CurrentOperation = progress.CurrentPath,
            });
            _shown = true;
        }

        public void Complete()
        {
            if (!_shown) return;
            _shown = false;
            _write(new ProgressRecord(_activityId, _activity, "done") { RecordType = ProgressRecordType.Completed });
        }

        private static string Size(long bytes) =>
            bytes >= 1L << 30 ? $"{bytes / (double)(1L << 30):0.0} GiB"
            : bytes >= 1L << 20 ? $"{bytes / (double)(1L << 20):0.0} MiB"
            : $"{bytes / 1024.0:0} KiB";
    }
}
