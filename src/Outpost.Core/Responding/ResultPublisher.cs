using System;
using System.Text;
using Outpost.Core.Protocol;
using Outpost.Core.Transport;

namespace Outpost.Core.Responding
{
    /// <summary>
    /// Publishes a job's three result files in v1's order (.stdout, .stderr, then .result last) and
    /// archives the job file to log/. The order is the contract: a submitter that sees .result may
    /// read the other two at once.
    /// </summary>
    internal sealed class ResultPublisher
    {
        private readonly IResponderTransport _share;

        public ResultPublisher(IResponderTransport share) => _share = share;

        public static ShareAddress ResultAddress(int lane, string stem) => ShareAddress.In(ShareArea.Outbox, lane, stem + Wire.ResultExtension);
        public static ShareAddress StdoutAddress(int lane, string stem) => ShareAddress.In(ShareArea.Outbox, lane, stem + Wire.StdoutExtension);
        public static ShareAddress StderrAddress(int lane, string stem) => ShareAddress.In(ShareArea.Outbox, lane, stem + Wire.StderrExtension);

        /// <summary>Called after .stdout and .stderr are in place and before .result: the additive result sidecars (signature).</summary>
        public Action<int, JobResult, byte[], byte[]>? BeforeResult { get; set; }

        public void Publish(int lane, JobFileName job, string stdoutStaged, string stderrStaged, JobResult result)
        {
            string stem = job.Stem.Text;
            _share.PublishStaged(stdoutStaged, StdoutAddress(lane, stem));
            _share.PublishStaged(stderrStaged, StderrAddress(lane, stem));
            WriteResult(lane, result);
        }

        /// <summary>A result the responder makes without running anything (cancelled before dispatch, interrupted, refused).</summary>
        public JobResult PublishWithoutRunning(int lane, JobFileName job, int exitCode, bool cancelled, string stderrLine)
        {
            DateTime now = DateTime.UtcNow;
            byte[] stderr = new UTF8Encoding(false).GetBytes(stderrLine + "\n");
            var result = NewResult(lane, job);
            result.ExitCode = exitCode;
            result.Cancelled = cancelled;
            result.Started = now;
            result.Finished = now;
            result.StderrBytes = stderr.Length; // v1 wrote 0 here; we count what the file holds
            _share.Write(StdoutAddress(lane, job.Stem.Text), Array.Empty<byte>());
            _share.Write(StderrAddress(lane, job.Stem.Text), stderr);
            WriteResult(lane, result);
            return result;
        }

        private void WriteResult(int lane, JobResult result)
        {
            BeforeResult?.Invoke(lane, result, ReadBack(StdoutAddress(lane, result.Stem)), ReadBack(StderrAddress(lane, result.Stem)));
            _share.Write(ResultAddress(lane, result.Stem), result.ToKeyValues().ToBytes());
        }

        private byte[] ReadBack(ShareAddress address) => BeforeResult is null ? Array.Empty<byte>() : _share.Read(address, long.MaxValue) ?? Array.Empty<byte>();

        public static JobResult NewResult(int lane, JobFileName job) => new JobResult
        {
            Stem = job.Stem.Text,
            Lane = lane,
            Extension = job.Extension,
            Label = job.Stem.Label,
        };

        /// <summary>Moves the job to log/&lt;lane&gt;/ and drops its cancel sentinel: the job is over.</summary>
        public void Archive(int lane, JobFileName job)
        {
            var source = ShareAddress.In(ShareArea.Inbox, lane, job.Name);
            var target = ShareAddress.In(ShareArea.Log, lane, job.Name);
            if (_share.KindOf(source) == EntryKind.File) ArchiveJobFile(source, target);
            var signature = source.WithName(job.Name + Trust.JobSignature.Suffix);
            if (_share.KindOf(signature) == EntryKind.File) _share.Move(signature, target.WithName(signature.Name));
            else _share.TryDelete(signature); // a link or FIFO planted as a signature is removed, never moved or opened
            _share.TryDelete(ShareAddress.In(ShareArea.Cancel, lane, job.Stem.Text));
        }

        /// <summary>
        /// Moves the job as it is, or, when it carries marked secrets, writes a redacted copy (streamed,
        /// whatever its size) and deletes the original: the archive never holds a secret in clear text.
        /// </summary>
        private void ArchiveJobFile(ShareAddress source, ShareAddress target)
        {
            bool marked;
            using (var input = _share.OpenRead(source))
            {
                if (input is null) return;
                marked = SecretRedactor.ContainsMarker(input);
                if (marked)
                {
                    input.Position = 0;
                    string staged = _share.Stage(target);
                    try
                    {
                        using (var output = new System.IO.FileStream(staged, System.IO.FileMode.CreateNew, System.IO.FileAccess.Write))
                            SecretRedactor.Redact(input, output);
                        _share.PublishStaged(staged, target);
                    }
                    catch
                    {
                        _share.DiscardStaged(staged);
                        throw;
                    }
                }
            }
            if (marked) _share.Delete(source);
            else _share.Move(source, target);
        }

        public bool HasResult(int lane, JobFileName job) => _share.KindOf(ResultAddress(lane, job.Stem.Text)) == EntryKind.File;
    }
}
