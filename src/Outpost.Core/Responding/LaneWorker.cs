using System;
using System.Collections.Generic;
using System.IO;
using System.Threading;
using System.Threading.Tasks;
using Outpost.Core.Dispatch;
using Outpost.Core.Protocol;
using Outpost.Core.Transport;

namespace Outpost.Core.Responding
{
    /// <summary>
    /// One lane's loop: heartbeat, take the lowest stem, honour a cancel, run, publish, archive.
    /// Lanes are independent; each runs at most one job at a time.
    /// </summary>
    internal sealed class LaneWorker : IDisposable
    {
        private static readonly TimeSpan FastPoll = TimeSpan.FromMilliseconds(100);
        private static readonly TimeSpan FastWindow = TimeSpan.FromSeconds(3);
        /// <summary>Jobs are read whole into memory; a file larger than this is refused, never read.</summary>
        internal const long SafetyJobSizeCap = 256L * 1024 * 1024;

        private readonly int _lane;
        private readonly ShareLayout _layout;
        private readonly ResponderOptions _options;
        private readonly IJobDispatcher _dispatcher;
        private readonly InboxScanner _scanner;
        private readonly ResultPublisher _publisher;
        private readonly ResponderJournal _journal;
        private readonly WakeSignal _wake = new WakeSignal();
        private readonly WakeSignal _cancelWake = new WakeSignal();

        private LaneState _lastState = LaneState.Unknown;
        private string _lastMessage = "";
        private int _lastQueued = -1;
        private DateTime _lastHeartbeat = DateTime.MinValue;
        private DateTime _lastActivity = DateTime.MinValue;

        // The inbox as last listed, in stem order. Draining a deep queue takes from here instead of
        // listing the folder again before every job (which made a queue of N cost O(N²)). The folder
        // is listed again when the list runs out, a notification says the inbox changed, or a poll
        // interval passes without one (the safety net for missed notifications).
        private readonly Queue<JobFileName> _pending = new Queue<JobFileName>();
        private volatile bool _inboxChanged = true;
        private DateTime _lastListing = DateTime.MinValue;
        private DateTime _lastPausedCount = DateTime.MinValue;

        public LaneWorker(int lane, ShareLayout layout, ResponderOptions options, IJobDispatcher dispatcher,
            InboxScanner scanner, ResponderJournal journal)
        {
            _lane = lane;
            _layout = layout;
            _options = options;
            _dispatcher = dispatcher;
            _scanner = scanner;
            _journal = journal;
            _publisher = new ResultPublisher(layout);
        }

        public int Lane => _lane;

        /// <summary>
        /// At start: jobs a previous responder answered but died before archiving are archived now, so a
        /// responder stopped right after it starts still leaves no answered job in the inbox.
        /// </summary>
        public void CompleteAnsweredJobs()
        {
            foreach (var job in _scanner.List(_lane)) ArchiveIfAnswered(job);
        }

        /// <summary>Already answered (a responder died between publishing and archiving): finish the archive, never re-run.</summary>
        private bool ArchiveIfAnswered(JobFileName job)
        {
            if (!_publisher.HasResult(_lane, job)) return false;
            // The claim goes before the job file: once the result exists the claim is not needed, and a
            // responder killed between the two must not leave a .running sidecar with no job beside it.
            RunClaim.Remove(_layout, _lane, job);
            _publisher.Archive(_lane, job);
            return true;
        }

        /// <summary>The first heartbeat (state=ready), written before the responder says it has started.</summary>
        public void WriteReady() => TryWriteStatus(LaneState.Ready, "", _scanner.List(_lane).Count, "", force: true);

        /// <summary>A notification says the inbox changed: look now.</summary>
        public void Wake()
        {
            _inboxChanged = true;
            _wake.Set();
        }

        /// <summary>A notification says a cancel sentinel appeared: check the running job now.</summary>
        public void WakeCancel() => _cancelWake.Set();

        /// <param name="stop">Finish the running job, take no new one.</param>
        /// <param name="interrupt">Kill the running job and report it interrupted.</param>
        public async Task RunAsync(CancellationToken stop, CancellationToken interrupt)
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await TickAsync(stop, interrupt).ConfigureAwait(false);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    // The share hiccupped (or vanished: the responder notices that and stops us).
                    _journal.Error(_lane, null, "lane error: " + e.Message);
                    await _wake.WaitAsync(_options.PollInterval, stop).ConfigureAwait(false);
                }
            }
            TryWriteStatus(LaneState.Stopped, "", 0, "stopped", force: true);
        }

        private async Task TickAsync(CancellationToken stop, CancellationToken interrupt)
        {
            if (File.Exists(_layout.Sentinel(Wire.PauseSentinel)))
            {
                // Counting the queue lists the folder: do it once per heartbeat, not on every notification.
                if (DateTime.UtcNow - _lastPausedCount >= _options.HeartbeatInterval || _lastState != LaneState.Paused)
                {
                    TryWriteStatus(LaneState.Paused, "", _scanner.List(_lane).Count, "paused");
                    _lastPausedCount = DateTime.UtcNow;
                }
                _inboxChanged = true; // resume starts from a fresh listing
                await SleepAsync(stop).ConfigureAwait(false);
                return;
            }
            if (_pending.Count == 0 || _inboxChanged || DateTime.UtcNow - _lastListing >= _options.PollInterval)
            {
                _inboxChanged = false;
                _lastListing = DateTime.UtcNow;
                _pending.Clear();
                foreach (var job in _scanner.List(_lane)) _pending.Enqueue(job);
            }
            if (_pending.Count == 0)
            {
                TryWriteStatus(LaneState.Idle, "", 0, "");
                await SleepAsync(stop).ConfigureAwait(false);
                return;
            }
            _lastActivity = DateTime.UtcNow;
            int queued = _pending.Count;
            await HandleAsync(_pending.Dequeue(), queued, interrupt).ConfigureAwait(false);
        }

        private async Task SleepAsync(CancellationToken stop)
        {
            TimeSpan poll = _options.PollInterval;
            if (_options.AdaptivePolling && DateTime.UtcNow - _lastActivity < FastWindow && FastPoll < poll) poll = FastPoll;
            // Never sleep past the next heartbeat, so liveness readers see a fresh status.
            TimeSpan untilHeartbeat = _lastHeartbeat + _options.HeartbeatInterval - DateTime.UtcNow;
            if (untilHeartbeat < poll) poll = untilHeartbeat < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : untilHeartbeat;
            if (!await _wake.WaitAsync(poll, stop).ConfigureAwait(false)) _inboxChanged = true; // a poll tick: list again
        }

        private async Task HandleAsync(JobFileName job, int queued, CancellationToken interrupt)
        {
            string stem = job.Stem.Text;
            if (ArchiveIfAnswered(job)) return;
            // A claim without a result: the responder died while this job ran. Report it, unless the
            // job asked (# retry=N) to be run again and has attempts left.
            int attempt = 1;
            if (RunClaim.Exists(_layout, _lane, job))
            {
                int started = RunClaim.Attempts(_layout, _lane, job);
                byte[]? script = TryRead(job);
                if (script == null || started > RunClaim.RetriesAllowed(job.Extension, script))
                {
                    var interrupted = _publisher.PublishWithoutRunning(_lane, job, Wire.ExitDispatchError, cancelled: false,
                        "interrupted: the responder stopped while this job ran; it was not run again");
                    RunClaim.Remove(_layout, _lane, job); // before the archive: see ArchiveIfAnswered
                    _publisher.Archive(_lane, job);
                    _journal.JobInterrupted(_lane, stem, interrupted);
                    return;
                }
                attempt = started + 1;
                _journal.Warning(_lane, stem, $"job was interrupted by a responder stop and asked to be retried: attempt {attempt}");
            }
            if (File.Exists(_layout.CancelFile(_lane, stem)))
            {
                var cancelled = _publisher.PublishWithoutRunning(_lane, job, Wire.ExitCancelled, cancelled: true,
                    Wire.CancelledBeforeDispatchMessage);
                _publisher.Archive(_lane, job);
                _journal.JobCancelledBeforeDispatch(_lane, stem, cancelled);
                return;
            }

            byte[] content;
            try
            {
                long size = new FileInfo(_layout.JobFile(_lane, job.Name)).Length;
                long limit = _options.Policy?.MaxJobBytes ?? SafetyJobSizeCap;
                if (size > limit)
                {
                    Refuse(job, $"refused: the job file is {size} bytes, more than the {limit}-byte limit" +
                                (_options.Policy?.MaxJobBytes == null ? " (set policy.max_job_bytes to change it)" : " (policy.max_job_bytes)"));
                    return;
                }
                // Nothing to read is never opened: a FIFO or device planted in the inbox reports length 0,
                // and opening one would block the lane forever. It runs as the empty script it appears to be.
                content = size == 0 ? Array.Empty<byte>() : File.ReadAllBytes(_layout.JobFile(_lane, job.Name));
            }
            catch (FileNotFoundException)
            {
                return; // withdrawn by its submitter between listing and reading
            }
            if (_options.Trust is { IsActive: true } trust)
            {
                string? distrust = trust.Check(job, _lane, content, ReadSignature(job), DateTime.UtcNow);
                if (distrust != null)
                {
                    Refuse(job, distrust);
                    return;
                }
            }
            var header = TimeoutHeader.Parse(job.Extension, content);
            string? refusal = _options.Policy?.Refusal(job.Extension, content.Length, header.Found && header.Error == null ? header.Seconds : (int?)null);
            if (refusal != null)
            {
                Refuse(job, refusal);
                return;
            }

            RunClaim.Write(_layout, _lane, job, attempt);
            TryWriteStatus(LaneState.Busy, stem, queued, "", force: true);
            _journal.JobStarted(_lane, stem);

            string stdoutTemp = AtomicFile.TempPathFor(_layout.StdoutFile(_lane, stem));
            string stderrTemp = AtomicFile.TempPathFor(_layout.StderrFile(_lane, stem));
            var request = new DispatchRequest
            {
                Stem = stem,
                Extension = job.Extension,
                Content = content,
                DefaultTimeout = _options.DefaultTimeout,
                StdoutPath = stdoutTemp,
                StderrPath = stderrTemp,
                WorkingDirectory = _options.WorkingDirectory ?? Environment.CurrentDirectory,
                OutputCap = _options.OutputCapBytes,
            };

            using var cancel = new CancellationTokenSource();
            using var jobDone = new CancellationTokenSource();
            Task watch = WatchWhileRunningAsync(job, queued, cancel, jobDone.Token);
            DispatchOutcome outcome;
            try
            {
                outcome = await _dispatcher.RunAsync(request, cancel.Token, interrupt).ConfigureAwait(false);
            }
            finally
            {
                jobDone.Cancel();
                await watch.ConfigureAwait(false);
            }

            var result = ResultPublisher.NewResult(_lane, job);
            result.ExitCode = outcome.ExitCode;
            result.TimedOut = outcome.TimedOut;
            result.Cancelled = outcome.Cancelled;
            result.Started = outcome.Started;
            result.Finished = outcome.Finished;
            result.StdoutBytes = outcome.StdoutBytes;
            result.StderrBytes = outcome.StderrBytes;
            result.StdoutTruncated = outcome.StdoutTruncated;
            result.StderrTruncated = outcome.StderrTruncated;
            try
            {
                _publisher.Publish(_lane, job, stdoutTemp, stderrTemp, result);
                RunClaim.Remove(_layout, _lane, job); // before the archive: see ArchiveIfAnswered
                _publisher.Archive(_lane, job);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                // The job stays in the inbox with its claim: the next pass reports it interrupted
                // rather than running it twice.
                AtomicFile.TryDelete(stdoutTemp);
                AtomicFile.TryDelete(stderrTemp);
                _journal.Error(_lane, stem, "could not publish the result: " + e.Message);
                return;
            }
            _lastActivity = DateTime.UtcNow;
            _journal.JobFinished(_lane, stem, result, outcome);
        }

        /// <summary>The job's signature sidecar, if any (small: anything over 64 KiB is not a signature).</summary>
        private byte[]? ReadSignature(JobFileName job)
        {
            string path = _layout.JobFile(_lane, job.Name) + Trust.JobSignature.Suffix;
            try
            {
                var info = new FileInfo(path);
                if (!info.Exists || (info.Attributes & FileAttributes.ReparsePoint) != 0) return null;
                return info.Length > 64 * 1024 ? Array.Empty<byte>() : File.ReadAllBytes(path);
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return null; }
        }

        private byte[]? TryRead(JobFileName job)
        {
            try { return File.ReadAllBytes(_layout.JobFile(_lane, job.Name)); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return null; }
        }

        /// <summary>A job the responder will not run: result 125 with the reason, one log line, archived.</summary>
        private void Refuse(JobFileName job, string reason)
        {
            _journal.Refused(_lane, job.Name, reason); // logged before the result appears, so a reader of the result finds it
            var result = _publisher.PublishWithoutRunning(_lane, job, Wire.ExitDispatchError, cancelled: false, reason);
            _publisher.Archive(_lane, job);
            _journal.JobFinished(_lane, job.Stem.Text, result, new DispatchOutcome { Started = result.Started!.Value, Finished = result.Finished!.Value });
        }

        /// <summary>While a job runs: keep the heartbeat fresh and watch for its cancel sentinel.</summary>
        private async Task WatchWhileRunningAsync(JobFileName job, int queued, CancellationTokenSource cancel, CancellationToken done)
        {
            string sentinel = _layout.CancelFile(_lane, job.Stem.Text);
            TimeSpan interval = _options.PollInterval < _options.HeartbeatInterval ? _options.PollInterval : _options.HeartbeatInterval;
            while (!done.IsCancellationRequested)
            {
                if (!cancel.IsCancellationRequested && File.Exists(sentinel)) cancel.Cancel();
                if (DateTime.UtcNow - _lastHeartbeat >= _options.HeartbeatInterval)
                    TryWriteStatus(LaneState.Busy, job.Stem.Text, queued, "", force: true);
                await _cancelWake.WaitAsync(interval, done).ConfigureAwait(false);
            }
        }

        /// <summary>Writes status.txt when something changed or the heartbeat is due.</summary>
        private void TryWriteStatus(LaneState state, string busyStem, int queued, string message, bool force = false)
        {
            DateTime now = DateTime.UtcNow;
            bool changed = state != _lastState || queued != _lastQueued || message != _lastMessage;
            if (!force && !changed && now - _lastHeartbeat < _options.HeartbeatInterval) return;
            var status = new LaneStatusRecord
            {
                Lane = _lane,
                State = state,
                BusyStem = busyStem,
                Queued = queued,
                Message = message,
                LastHeartbeat = now,
            };
            try
            {
                AtomicFile.Write(_layout.StatusFile(_lane), status.ToKeyValues().ToBytes(), durable: false);
                _lastState = state;
                _lastQueued = queued;
                _lastMessage = message;
                _lastHeartbeat = now;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                _journal.Warning(_lane, null, "could not write status: " + e.Message);
            }
        }

        public void Dispose()
        {
            _wake.Dispose();
            _cancelWake.Dispose();
        }
    }
}
