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
    /// One lane's loop: heartbeat, take the lowest stem, then the job pipeline: recover (a job answered
    /// or interrupted before), admit (cancel, size, trust, policy), run, publish. Lanes are independent;
    /// each runs at most one job at a time. Every share access goes through the transport.
    /// </summary>
    internal sealed class LaneWorker : IDisposable
    {
        private static readonly TimeSpan FastPoll = TimeSpan.FromMilliseconds(100);
        private static readonly TimeSpan FastWindow = TimeSpan.FromSeconds(3);
        /// <summary>Jobs are read whole into memory; a file larger than this is refused, never read.</summary>
        internal const long SafetyJobSizeCap = 256L * 1024 * 1024;

        private readonly int _lane;
        private readonly IResponderTransport _share;
        private readonly Func<ResponderOptions> _currentOptions;
        private ResponderOptions _options; // the snapshot in force for this tick and job
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

        /// <param name="options">The options in force: an immutable snapshot, replaced whole when the configuration is reloaded.</param>
        public LaneWorker(int lane, IResponderTransport share, Func<ResponderOptions> options, IJobDispatcher dispatcher,
            InboxScanner scanner, ResponderJournal journal, ResultPublisher publisher)
        {
            _lane = lane;
            _share = share;
            _currentOptions = options;
            _options = options();
            _dispatcher = dispatcher;
            _scanner = scanner;
            _journal = journal;
            _publisher = publisher;
        }

        public int Lane => _lane;

        /// <summary>Looks at the inbox between polls where notifications miss the other host's writes; null where they do not.</summary>
        public FolderPoll? InboxPoll { get; set; }

        /// <summary>The responder's private folder, under which jobs with files get a folder of their own.</summary>
        public string JobFolderRoot { get; set; } = System.IO.Path.GetTempPath();

        // Jobs whose files are still arriving, and since when: the lane waits for them (keeping stem order) up to the grace.
        private readonly Dictionary<string, DateTime> _waitingSince = new Dictionary<string, DateTime>(StringComparer.Ordinal);
        private bool _waitingForFiles;

        /// <summary>
        /// At start: jobs a previous responder answered but died before archiving are archived now, so a
        /// responder stopped right after it starts still leaves no answered job in the inbox.
        /// </summary>
        public void CompleteAnsweredJobs()
        {
            foreach (var job in _scanner.List(_lane)) ArchiveIfAnswered(job);
        }

        /// <summary>
        /// Already answered by this responder (it died between publishing and archiving): finish the archive,
        /// never re-run. A result it did not write is removed and does not count: the job still runs.
        /// </summary>
        private bool ArchiveIfAnswered(JobFileName job)
        {
            if (_publisher.RemoveForeignResult(_lane, job))
                _journal.Warning(_lane, job.Stem.Text, "a .result this responder did not write was in the outbox for this queued job; removed, the job runs");
            if (!_publisher.HasOwnResult(_lane, job)) return false;
            // The claim goes before the job file: once the result exists the claim is not needed, and a
            // responder killed between the two must not leave a .running sidecar with no job beside it.
            RunClaim.Remove(_share, _lane, job);
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
            _options = _currentOptions();
            if (_share.KindOf(ShareAddress.Root(Wire.PauseSentinel)) != EntryKind.Missing)
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
            _waitingForFiles = false;
            await HandleAsync(_pending.Dequeue(), queued, stop, interrupt).ConfigureAwait(false);
            if (_waitingForFiles)
            {
                // The lowest job waits for its files; later jobs wait behind it, as they would behind a running job.
                _pending.Clear();
                _inboxChanged = true;
                await SleepAsync(stop).ConfigureAwait(false);
            }
        }

        private async Task SleepAsync(CancellationToken stop)
        {
            TimeSpan poll = _options.PollInterval;
            if (_options.AdaptivePolling && DateTime.UtcNow - _lastActivity < FastWindow && FastPoll < poll) poll = FastPoll;
            // Never sleep past the next heartbeat, so liveness readers see a fresh status.
            TimeSpan untilHeartbeat = _lastHeartbeat + _options.HeartbeatInterval - DateTime.UtcNow;
            if (untilHeartbeat < poll) poll = untilHeartbeat < TimeSpan.FromMilliseconds(10) ? TimeSpan.FromMilliseconds(10) : untilHeartbeat;
            if (!await FolderPoll.WaitAsync(InboxPoll, _wake, poll, stop).ConfigureAwait(false)) _inboxChanged = true; // a poll tick: list again
        }

        /// <summary>The job pipeline: each step either passes the job on or finishes it (result and archive).</summary>
        private async Task HandleAsync(JobFileName job, int queued, CancellationToken stop, CancellationToken interrupt)
        {
            int? attempt = Recover(job);
            if (attempt is null) return;
            byte[]? content = Admit(job, retrying: attempt > 1, out var files);
            if (content is null) return;
            JobFolder? folder = files is null ? null : StageFiles(job, files, queued);
            if (files != null && folder is null) return;
            using (folder)
            {
                _publisher.Record.Started(_lane, job.Stem.Text);
                RunClaim.Write(_share, _lane, job, attempt.Value);
                TryWriteStatus(LaneState.Busy, job.Stem.Text, queued, "", force: true);
                _journal.JobStarted(_lane, job.Stem.Text);
                var staged = new StagedOutput(_share, _lane, job.Stem.Text);
                DispatchOutcome outcome = await RunAsync(job, content, staged, queued, folder, interrupt).ConfigureAwait(false);
                var artifacts = folder is null ? null : CollectArtifacts(job, folder, staged, outcome);
                await PublishAsync(job, staged, outcome, stop, artifacts).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Files: a job that names files waits (the lane with it) while they are still arriving, up to the grace,
        /// then is refused; files that are changed, unsafe or over the policy's limits refuse the job.
        /// </summary>
        /// <returns>The ready check, or null when the job has no files; sets <see cref="_waitingForFiles"/> or refuses.</returns>
        private FilesCheck? CheckFiles(JobFileName job, byte[] content, out bool finished)
        {
            finished = false;
            var check = JobFolder.Check(_share, _lane, job, content);
            if (check is null) return null;
            if (check.Waiting != null)
            {
                if (!_waitingSince.TryGetValue(job.Stem.Text, out var since)) _waitingSince[job.Stem.Text] = since = DateTime.UtcNow;
                if (DateTime.UtcNow - since < _options.FilesGrace)
                {
                    _waitingForFiles = true;
                    TryWriteStatus(LaneState.Busy, job.Stem.Text, Math.Max(_lastQueued, 0), "waiting for the job's files: " + check.Waiting);
                    finished = true;
                    return null;
                }
                check = FilesCheck.Refuse($"refused: the job's files did not arrive within {_options.FilesGrace.TotalSeconds:0} s ({check.Waiting})");
            }
            _waitingSince.Remove(job.Stem.Text);
            return check;
        }

        /// <summary>Stages the attachments; null (the job refused with the reason) when they cannot be used.</summary>
        private JobFolder? StageFiles(JobFileName job, FilesCheck files, int queued)
        {
            TryWriteStatus(LaneState.Busy, job.Stem.Text, queued, "staging the job's files", force: true);
            try { return JobFolder.Stage(files, JobFolderRoot); }
            catch (Files.BundleException e)
            {
                Refuse(job, "refused: " + e.Message);
                return null;
            }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
            {
                Refuse(job, "refused: the job's files could not be staged: " + e.Message);
                return null;
            }
        }

        /// <summary>After the run: the files the job asked for go to the outbox, before its result; what could not is said on its stderr.</summary>
        private (int Files, string Sha256)? CollectArtifacts(JobFileName job, JobFolder folder, StagedOutput staged, DispatchOutcome outcome)
        {
            var notes = new List<string>();
            var limits = _options.Policy?.FileLimits ?? new Files.BundleLimits();
            var collected = folder.CollectArtifacts(_share, _lane, job.Stem.Text, limits, notes);
            foreach (string note in notes)
            {
                _journal.Warning(_lane, job.Stem.Text, note);
                byte[] line = System.Text.Encoding.UTF8.GetBytes(note + "\n");
                try
                {
                    using var stderr = new FileStream(staged.Stderr, FileMode.Append, FileAccess.Write);
                    stderr.Write(line, 0, line.Length);
                    outcome.StderrBytes += line.Length;
                }
                catch (IOException) { }
            }
            return collected;
        }

        /// <summary>
        /// Recover: a job already answered is archived (never re-run); a job with a run claim but no result
        /// was interrupted by a responder stop and is reported, unless it asked (# retry=N) to be run again.
        /// </summary>
        /// <returns>The attempt number to run, or null when the job was finished here.</returns>
        private int? Recover(JobFileName job)
        {
            if (ArchiveIfAnswered(job)) return null;
            if (!RunClaim.Exists(_share, _lane, job)) return 1;
            int started = RunClaim.Attempts(_share, _lane, job);
            byte[]? script = _share.TryRead(JobAddress(job), MaxJobBytes);
            // Retried only when this responder's own record says it started the job: a claim planted in
            // the share can get a job reported interrupted, never run a second time.
            bool startedHere = _publisher.Record.WasStarted(_lane, job.Stem.Text);
            if (script == null || !startedHere || started > RunClaim.RetriesAllowed(job.Extension, script))
            {
                var interrupted = _publisher.PublishWithoutRunning(_lane, job, Wire.ExitDispatchError, cancelled: false,
                    "interrupted: the responder stopped while this job ran; it was not run again");
                RunClaim.Remove(_share, _lane, job); // before the archive: see ArchiveIfAnswered
                _publisher.Archive(_lane, job);
                _journal.JobInterrupted(_lane, job.Stem.Text, interrupted);
                return null;
            }
            _journal.Warning(_lane, job.Stem.Text, $"job was interrupted by a responder stop and asked to be retried: attempt {started + 1}");
            return started + 1;
        }

        /// <summary>Admit: cancelled before dispatch, too large, not trusted, against policy; the content when it may run.</summary>
        private byte[]? Admit(JobFileName job, bool retrying, out FilesCheck? files)
        {
            files = null;
            if (_share.KindOf(CancelAddress(job)) != EntryKind.Missing)
            {
                var cancelled = _publisher.PublishWithoutRunning(_lane, job, Wire.ExitCancelled, cancelled: true,
                    Wire.CancelledBeforeDispatchMessage);
                _publisher.Archive(_lane, job);
                _journal.JobCancelledBeforeDispatch(_lane, job.Stem.Text, cancelled);
                return null;
            }
            byte[]? content = ReadWithinLimit(job);
            if (content is null) return null;
            // Before the trust check, which remembers the stem: a job waiting for its files is checked again later.
            files = CheckFiles(job, content, out bool waiting);
            if (waiting) return null;
            string? refusal = TrustRefusal(job, content, retrying) ?? PolicyRefusal(job, content) ?? files?.Refusal ?? FileLimitRefusal(files);
            if (refusal != null)
            {
                Refuse(job, refusal);
                return null;
            }
            return content;
        }

        private string? FileLimitRefusal(FilesCheck? files) =>
            files?.Manifest is { } manifest && _options.Policy?.FileLimits.Refusal(manifest, "attachments") is string over
                ? "refused by policy: " + over : null;

        private long MaxJobBytes => _options.Policy?.MaxJobBytes ?? SafetyJobSizeCap;

        /// <summary>The job's bytes; null when it was withdrawn, refused for its size, or is not a regular file.</summary>
        private byte[]? ReadWithinLimit(JobFileName job)
        {
            try
            {
                long? size = _share.SizeOf(JobAddress(job));
                if (size is null) return null; // withdrawn by its submitter between listing and reading
                if (size > MaxJobBytes)
                {
                    Refuse(job, $"refused: the job file is {size} bytes, more than the {MaxJobBytes}-byte limit" +
                                (_options.Policy?.MaxJobBytes == null ? " (set policy.max_job_bytes to change it)" : " (policy.max_job_bytes)"));
                    return null;
                }
                return _share.Read(JobAddress(job), MaxJobBytes);
            }
            catch (ShareRefusedException e)
            {
                // Swapped for a link or a FIFO after the listing: never opened, never run, left where it is.
                _journal.Refused(_lane, job.Name, e.Message);
                return null;
            }
        }

        private string? TrustRefusal(JobFileName job, byte[] content, bool retrying) =>
            _options.Trust is { IsActive: true } trust
                ? trust.Check(job, _lane, content, ReadSignature(job), DateTime.UtcNow, ResponderName, retrying)
                : null;

        private string ResponderName => string.IsNullOrWhiteSpace(_options.Name) ? HostPlatform.DefaultResponderName() : _options.Name!;

        private string? PolicyRefusal(JobFileName job, byte[] content)
        {
            var header = TimeoutHeader.Parse(job.Extension, content);
            return _options.Policy?.Refusal(job.Extension, content.Length, header.Found && header.Error == null ? header.Seconds : (int?)null);
        }

        /// <summary>Run: dispatch the job, keeping the heartbeat fresh and honouring its cancel sentinel meanwhile.</summary>
        private async Task<DispatchOutcome> RunAsync(JobFileName job, byte[] content, StagedOutput staged, int queued, JobFolder? folder, CancellationToken interrupt)
        {
            var request = new DispatchRequest
            {
                Stem = job.Stem.Text,
                Extension = job.Extension,
                Content = content,
                DefaultTimeout = _options.DefaultTimeout,
                StdoutPath = staged.Stdout,
                StderrPath = staged.Stderr,
                WorkingDirectory = _options.WorkingDirectory ?? Environment.CurrentDirectory,
                OutputCap = _options.OutputCapBytes,
            };
            if (folder != null)
            {
                // A job with files starts in its own folder, where they were staged (the script may cd elsewhere).
                request.WorkingDirectory = folder.Path;
                request.Environment[Files.JobFiles.AttachmentsVariable] = folder.Path;
            }
            using var cancel = new CancellationTokenSource();
            using var jobDone = new CancellationTokenSource();
            Task watch = WatchWhileRunningAsync(job, queued, cancel, jobDone.Token);
            try
            {
                return await _dispatcher.RunAsync(request, cancel.Token, interrupt).ConfigureAwait(false);
            }
            finally
            {
                jobDone.Cancel();
                await watch.ConfigureAwait(false);
            }
        }

        private static readonly TimeSpan FirstPublishRetry = TimeSpan.FromMilliseconds(100);
        private static readonly TimeSpan LastPublishRetry = TimeSpan.FromSeconds(5);

        /// <summary>
        /// Publish: .stdout, .stderr, then .result; drop the run claim; archive the job. A failure is
        /// retried (backoff up to 5 s) until it works: a job that ran is answered, never left to be
        /// reported "interrupted". On a full share the job's own output is given up, largest first, so a
        /// result that says what happened fits. A stop ends the retries; the next start reports the job.
        /// </summary>
        private async Task PublishAsync(JobFileName job, StagedOutput staged, DispatchOutcome outcome, CancellationToken stop,
            (int Files, string Sha256)? artifacts = null)
        {
            var result = ResultFor(job, outcome);
            if (artifacts is { } sent)
            {
                result.Artifacts = sent.Files;
                result.ArtifactsSha256 = sent.Sha256;
            }
            if (result.TruncatedReason.Length > 0) _journal.Warning(_lane, job.Stem.Text, "output truncated: " + result.TruncatedReason);
            TimeSpan delay = FirstPublishRetry;
            for (int attempt = 1; ; attempt++)
            {
                try
                {
                    staged.PublishTo(_lane);
                    _publisher.PublishResult(_lane, result);
                    RunClaim.Remove(_share, _lane, job); // before the archive: see ArchiveIfAnswered
                    _publisher.Archive(_lane, job);
                    break;
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException)
                {
                    if (attempt == 1 || attempt % 20 == 0)
                        _journal.Error(_lane, job.Stem.Text, $"could not publish the result (attempt {attempt}, retrying): {e.Message}");
                    if (staged.Published && ShareErrors.IsOutOfSpace(e)) MakeRoom(job, result, ShareErrors.Describe(e));
                    // Still alive while retrying, and the status says what holds the result up.
                    TryWriteStatus(LaneState.Busy, job.Stem.Text, Math.Max(_lastQueued, 0), "publishing the result: " + ShareErrors.Describe(e));
                    if (stop.IsCancellationRequested)
                    {
                        staged.Discard();
                        _journal.Error(_lane, job.Stem.Text, "gave up publishing the result: the responder is stopping; its next start reports the job unfinished");
                        return;
                    }
                    try { await Task.Delay(delay, stop).ConfigureAwait(false); }
                    catch (OperationCanceledException) { }
                    delay = delay + delay < LastPublishRetry ? delay + delay : LastPublishRetry;
                }
            }
            _lastActivity = DateTime.UtcNow;
            _journal.JobFinished(_lane, job.Stem.Text, result, outcome);
        }

        private JobResult ResultFor(JobFileName job, DispatchOutcome outcome)
        {
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
            result.TruncatedReason = outcome.TruncatedReason ?? "";
            return result;
        }

        /// <summary>
        /// The share is too full for the .result: empty this job's larger published output (then the
        /// other), and say so in the result. Nothing else in the share is touched.
        /// </summary>
        private void MakeRoom(JobFileName job, JobResult result, string why)
        {
            bool stdout = result.StdoutBytes >= result.StderrBytes;
            if ((stdout ? result.StdoutBytes : result.StderrBytes) <= 0) return;
            string stem = job.Stem.Text;
            try { _publisher.DropOutput(stdout ? ResultPublisher.StdoutAddress(_lane, stem) : ResultPublisher.StderrAddress(_lane, stem)); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return; }
            if (stdout) { result.StdoutBytes = 0; result.StdoutTruncated = true; }
            else { result.StderrBytes = 0; result.StderrTruncated = true; }
            string dropped = $"the share is full ({why}): the job's {(stdout ? "stdout" : "stderr")} was dropped to make room for this result";
            result.TruncatedReason = result.TruncatedReason.Length > 0 ? result.TruncatedReason + "; " + dropped : dropped;
            _journal.Warning(_lane, stem, dropped);
        }

        private ShareAddress JobAddress(JobFileName job) => ShareAddress.In(ShareArea.Inbox, _lane, job.Name);
        private ShareAddress CancelAddress(JobFileName job) => ShareAddress.In(ShareArea.Cancel, _lane, job.Stem.Text);

        /// <summary>The job's signature sidecar, if any: a regular file of at most 64 KiB (a link or FIFO is never opened).</summary>
        private byte[]? ReadSignature(JobFileName job)
        {
            var address = ShareAddress.In(ShareArea.Inbox, _lane, job.Name + Trust.JobSignature.Suffix);
            try { return _share.Read(address, 64 * 1024); }
            catch (ShareRefusedException) { return Array.Empty<byte>(); } // present but not a signature: fails to parse, refused
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
            var sentinel = CancelAddress(job);
            TimeSpan interval = _options.PollInterval < _options.HeartbeatInterval ? _options.PollInterval : _options.HeartbeatInterval;
            while (!done.IsCancellationRequested)
            {
                if (!cancel.IsCancellationRequested && _share.KindOf(sentinel) != EntryKind.Missing) cancel.Cancel();
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
                _share.Write(ShareAddress.In(ShareArea.Inbox, _lane, Wire.StatusFile), status.ToKeyValues().ToBytes(), durable: false);
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

    /// <summary>Where a running job's stdout and stderr are streamed before they are published.</summary>
    internal sealed class StagedOutput
    {
        private readonly IResponderTransport _share;

        private readonly string _stem;
        private bool _stdoutPublished;
        private bool _stderrPublished;

        public StagedOutput(IResponderTransport share, int lane, string stem)
        {
            _share = share;
            _stem = stem;
            Stdout = share.Stage(ResultPublisher.StdoutAddress(lane, stem));
            Stderr = share.Stage(ResultPublisher.StderrAddress(lane, stem));
        }

        public string Stdout { get; }
        public string Stderr { get; }
        public bool Published => _stdoutPublished && _stderrPublished;

        /// <summary>Moves whichever of the two is still staged into the outbox; safe to call again after a failure.</summary>
        public void PublishTo(int lane)
        {
            if (!_stdoutPublished) _share.PublishStaged(Stdout, ResultPublisher.StdoutAddress(lane, _stem));
            _stdoutPublished = true;
            if (!_stderrPublished) _share.PublishStaged(Stderr, ResultPublisher.StderrAddress(lane, _stem));
            _stderrPublished = true;
        }

        public void Discard()
        {
            if (!_stdoutPublished) _share.DiscardStaged(Stdout);
            if (!_stderrPublished) _share.DiscardStaged(Stderr);
        }
    }
}
