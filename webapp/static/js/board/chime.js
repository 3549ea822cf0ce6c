/* The sound of a new booking on the board, and the button that mutes it (kept per browser). */

const MUTE_KEY = "board.muted";
const button = document.getElementById("mute");
let audio = null;

const muted = () => localStorage.getItem(MUTE_KEY) === "1";

function showMute() {
  button.setAttribute("aria-pressed", String(muted()));
}

export function chime() {
  if (muted() || !audio || audio.state !== "running") return;
  const tone = audio.createOscillator();
  const volume = audio.createGain();
  tone.frequency.setValueAtTime(880, audio.currentTime);
  tone.frequency.setValueAtTime(1320, audio.currentTime + 0.12);
  volume.gain.setValueAtTime(0.15, audio.currentTime);
  volume.gain.exponentialRampToValueAtTime(0.001, audio.currentTime + 0.4);
  tone.connect(volume).connect(audio.destination);
  tone.start();
  tone.stop(audio.currentTime + 0.4);
}

button.addEventListener("click", () => {
  localStorage.setItem(MUTE_KEY, muted() ? "0" : "1");
  showMute();
});

// Browsers let a page make sound only after a gesture; the first tap unlocks it.
document.addEventListener("pointerdown", () => {
  if (!audio && window.AudioContext) audio = new AudioContext();
}, { once: true });

showMute();
