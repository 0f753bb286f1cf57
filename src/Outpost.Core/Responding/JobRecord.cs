using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Outpost.Core.Protocol;

namespace Outpost.Core.Responding
{
    /// <summary>
    /// The responder's own record of the jobs it started and finished, kept on its disk (the user's state
    /// folder, keyed by the resolved share), never in the share. Whoever can write to the share can plant
    /// a .result or a .running claim, but not this record, so:
    /// <list type="bullet">
    /// <item>a .result for a job this responder never finished is not taken as its answer: the job still runs;</item>
    /// <item>an interrupted job is retried (<c># retry=N</c>) only when this responder really started it.</item>
    /// </list>
    /// A null path keeps the record in memory (tests, or a state folder that cannot be written).
    /// </summary>
    internal sealed class JobRecord
    {
        private readonly object _gate = new object();
        private readonly string? _path;
        private readonly HashSet<string> _started = new HashSet<string>(StringComparer.Ordinal);
        private readonly HashSet<string> _finished = new HashSet<string>(StringComparer.Ordinal);

        public JobRecord(string? path)
        {
            _path = path;
            if (path != null) Load(path);
        }

        /// <summary>The record for a share: <c>jobs-&lt;hash of the resolved share path&gt;.txt</c> in the state folder.</summary>
        public static string DefaultPath(string shareRoot) => Trust.TrustPolicy.StatePath("jobs-", shareRoot);

        public bool WasStarted(int lane, string stem) { lock (_gate) return _started.Contains(Key(lane, stem)); }
        public bool WasFinished(int lane, string stem) { lock (_gate) return _finished.Contains(Key(lane, stem)); }

        public void Started(int lane, string stem) => Add("S", _started, lane, stem);

        /// <summary>Called before the .result is written: a crash in between leaves the job reported interrupted, never answered twice.</summary>
        public void Finished(int lane, string stem) => Add("F", _finished, lane, stem);

        private void Add(string kind, HashSet<string> set, int lane, string stem)
        {
            string key = Key(lane, stem);
            lock (_gate)
            {
                if (!set.Add(key) || _path is null) return;
                try
                {
                    Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
                    File.AppendAllText(_path, kind + " " + key + "\n", Encoding.UTF8);
                }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { } // the in-memory record still holds for this run
            }
        }

        private static string Key(int lane, string stem) => lane.ToString(System.Globalization.CultureInfo.InvariantCulture) + "/" + stem;

        private void Load(string path)
        {
            string[] lines;
            try { lines = File.ReadAllLines(path); }
            catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { return; }
            var keep = new List<string>();
            string cutoff = Stem.TimestampPrefix(DateTime.UtcNow.AddDays(-60));
            foreach (string line in lines)
            {
                if (line.Length < 3 || line[1] != ' ') continue;
                string key = line.Substring(2);
                int slash = key.IndexOf('/');
                if (slash < 0 || string.CompareOrdinal(key.Substring(slash + 1), cutoff) < 0) continue; // older than any retention: forget
                (line[0] == 'F' ? _finished : _started).Add(key);
                keep.Add(line);
            }
            if (keep.Count < lines.Length)
            {
                try { Transport.AtomicFile.Write(path, Encoding.UTF8.GetBytes(string.Join("\n", keep) + (keep.Count > 0 ? "\n" : ""))); }
                catch (Exception e) when (e is IOException || e is UnauthorizedAccessException) { }
            }
        }
    }
}
