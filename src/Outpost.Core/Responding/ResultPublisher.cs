using System;
using System.IO;
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
        private readonly ShareLayout _layout;

        public ResultPublisher(ShareLayout layout) => _layout = layout;

        public void Publish(int lane, JobFileName job, string stdoutTemp, string stderrTemp, JobResult result)
        {
            AtomicFile.Publish(stdoutTemp, _layout.StdoutFile(lane, job.Stem.Text));
            AtomicFile.Publish(stderrTemp, _layout.StderrFile(lane, job.Stem.Text));
            AtomicFile.Write(_layout.ResultFile(lane, job.Stem.Text), result.ToKeyValues().ToBytes());
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
            AtomicFile.Write(_layout.StdoutFile(lane, job.Stem.Text), Array.Empty<byte>());
            AtomicFile.Write(_layout.StderrFile(lane, job.Stem.Text), stderr);
            AtomicFile.Write(_layout.ResultFile(lane, job.Stem.Text), result.ToKeyValues().ToBytes());
            return result;
        }

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
            string source = _layout.JobFile(lane, job.Name);
            string target = _layout.ArchivedJobFile(lane, job.Name);
            Directory.CreateDirectory(_layout.LogLane(lane));
            if (File.Exists(source))
            {
                // The archive must not keep secrets in clear text: redact marked lines on the way to log/.
                byte[]? redacted = SecretRedactor.RedactIfMarked(source);
                if (redacted != null)
                {
                    AtomicFile.Write(target, redacted);
                    File.Delete(source);
                }
                else AtomicFile.Rename(source, target, overwrite: true);
            }
            string signature = source + Trust.JobSignature.Suffix;
            if (File.Exists(signature)) AtomicFile.Rename(signature, target + Trust.JobSignature.Suffix, overwrite: true);
            AtomicFile.TryDelete(_layout.CancelFile(lane, job.Stem.Text));
        }

        public bool HasResult(int lane, JobFileName job) => File.Exists(_layout.ResultFile(lane, job.Stem.Text));
    }
}
