// The page: loads upsample_web.wasm (plain exports over its linear memory,
// see examples/web/src/lib.rs), reads the picture into RGB f32 values in
// [0, 1] (channels-last), runs the chosen method and draws the result.
// `index.html?selftest` instead runs every method on the built-in picture
// and writes each result's f32 bits into <pre id="results"> for
// scripts/test-web.sh to check against the native build. With `&report=NAME`
// the page, once it has finished, sends its DOM to the test's server
// (POST report/NAME): the test waits for it in real time.

const MAX_SIDE = 1024; // a larger picture is scaled down on loading
const MAX_OUTPUT_PIXELS = 16 << 20;

let wasm;
try {
  const bytes = await (await fetch("upsample_web.wasm")).arrayBuffer();
  wasm = (await WebAssembly.instantiate(bytes, {})).instance.exports;
} catch (e) {
  const status = document.getElementById("status");
  status.textContent = `could not load upsample_web.wasm: ${e.message}`;
  status.className = "error";
  report();
  throw e;
}

// Views must be made after any call that may grow memory.
const f32s = (ptr, len) => new Float32Array(wasm.memory.buffer, ptr, len);

function text(call) {
  const cap = 1024;
  const ptr = wasm.upsample_alloc(cap / 4);
  try {
    const n = call(ptr, cap);
    return new TextDecoder().decode(new Uint8Array(wasm.memory.buffer, ptr, n));
  } finally {
    wasm.upsample_free(ptr, cap / 4);
  }
}
const lastError = () => text((p, cap) => wasm.upsample_last_error(p, cap));
const methodName = (m) => text((p, cap) => wasm.upsample_method_name(m, p, cap));
const unpack = (packed) => [packed >>> 16, packed & 0xffff];

// Runs `method` at `scale` on `picture` ({height, width, data}); with
// `timed`, repeats the call for about 200 ms and gives the mean time.
function upsample(method, scale, picture, timed) {
  const packed = wasm.upsample_output_size(method, scale, picture.height, picture.width);
  if (packed < 0) throw new Error(lastError());
  const [height, width] = unpack(packed);
  if (height * width > MAX_OUTPUT_PIXELS) {
    throw new Error(`the result would be ${width} x ${height}: pick a smaller scale`);
  }
  const inLen = picture.data.length, outLen = height * width * 3;
  const input = wasm.upsample_alloc(inLen), output = wasm.upsample_alloc(outLen);
  try {
    f32s(input, inLen).set(picture.data);
    const call = () => {
      if (wasm.upsample_run(method, scale, input, picture.height, picture.width, output) < 0) {
        throw new Error(lastError());
      }
    };
    call(); // also warms up the method's scratch
    let ms = null, calls = 0;
    if (timed) {
      const start = performance.now();
      let now = start;
      // At most about 3e7 output values in all: where the clock does not
      // move during a task (a headless browser's virtual time), that ends it.
      const most = Math.max(3, Math.ceil(3e7 / outLen));
      while (calls < 3 || (now - start < 200 && calls < most)) {
        call();
        calls += 1;
        now = performance.now();
      }
      ms = (now - start) / calls;
    }
    return { height, width, data: f32s(output, outLen).slice(), ms, calls };
  } finally {
    wasm.upsample_free(input, inLen);
    wasm.upsample_free(output, outLen);
  }
}

function builtinPicture(height, width) {
  const len = height * width * 3;
  const ptr = wasm.upsample_alloc(len);
  try {
    wasm.upsample_builtin_picture(height, width, ptr);
    return { height, width, data: f32s(ptr, len).slice() };
  } finally {
    wasm.upsample_free(ptr, len);
  }
}

// Draws `picture` at `zoom` screen pixels per pixel, at most 640 wide.
function draw(canvas, picture, zoom) {
  canvas.width = picture.width;
  canvas.height = picture.height;
  canvas.style.width = `${Math.min(picture.width * zoom, 640)}px`;
  const image = new ImageData(picture.width, picture.height);
  for (let i = 0, j = 0; i < picture.data.length; i += 3, j += 4) {
    image.data[j] = picture.data[i] * 255 + 0.5;
    image.data[j + 1] = picture.data[i + 1] * 255 + 0.5;
    image.data[j + 2] = picture.data[i + 2] * 255 + 0.5;
    image.data[j + 3] = 255;
  }
  canvas.getContext("2d").putImageData(image, 0, 0);
}

// Reads the picture at `url` (a picked file's object URL, or a path).
async function load(url) {
  const image = new Image();
  await new Promise((resolve, reject) => {
    image.onload = resolve;
    image.onerror = () => reject(new Error("not a picture this browser can read"));
    image.src = url;
  });
  const bitmap = { width: image.naturalWidth, height: image.naturalHeight };
  const s = Math.min(1, MAX_SIDE / Math.max(bitmap.width, bitmap.height));
  const width = Math.max(1, Math.round(bitmap.width * s));
  const height = Math.max(1, Math.round(bitmap.height * s));
  const canvas = new OffscreenCanvas(width, height);
  const context = canvas.getContext("2d");
  context.drawImage(image, 0, 0, width, height);
  const rgba = context.getImageData(0, 0, width, height).data;
  const data = new Float32Array(width * height * 3);
  for (let i = 0, j = 0; j < rgba.length; i += 3, j += 4) {
    data[i] = rgba[j] / 255;
    data[i + 1] = rgba[j + 1] / 255;
    data[i + 2] = rgba[j + 2] / 255;
  }
  return { height, width, data, scaledDown: s < 1 };
}

// Sends the page's DOM to scripts/web_server.py when the page was asked to.
function report() {
  const name = new URLSearchParams(location.search).get("report");
  if (name) fetch(`report/${name}`, { method: "POST", body: document.documentElement.outerHTML });
}

function selftest() {
  const [height, width] = unpack(wasm.upsample_selftest_picture());
  const picture = builtinPicture(height, width);
  const lines = [];
  for (let m = 0; m < wasm.upsample_method_count(); m++) {
    for (const i of [0, 1]) {
      const scale = wasm.upsample_selftest_scale(m, i);
      try {
        const r = upsample(m, scale, picture, false);
        const bits = Array.from(new Uint32Array(r.data.buffer), (b) => b.toString(16));
        lines.push(`result ${m} ${scale} ${r.height} ${r.width} ${bits.join(" ")}`);
      } catch (e) {
        lines.push(`error ${m} ${scale} ${e.message}`);
      }
    }
  }
  document.getElementById("results").textContent = lines.join("\n") + "\n";
  document.getElementById("status").textContent = `self-test: ${lines.length} results`;
  document.title = "selftest done";
  report();
}

function page() {
  const select = document.getElementById("method");
  for (let m = 0; m < wasm.upsample_method_count(); m++) {
    const whole = wasm.upsample_method_whole_scale(m) ? " (whole scale ≥ 2)" : "";
    select.add(new Option(methodName(m) + whole, m));
  }
  // `?method=N&scale=S` preset the controls.
  const query = new URLSearchParams(location.search);
  select.value = query.get("method") ?? "2"; // bilinear
  document.getElementById("scale").value = query.get("scale") ?? "3";
  const status = document.getElementById("status");
  let picture = builtinPicture(48, 64);
  let source = "the built-in picture";

  const update = () => {
    const zoom = Math.max(1, Math.floor(256 / Math.max(picture.width, picture.height)));
    draw(document.getElementById("original"), picture, zoom);
    document.getElementById("original-caption").textContent =
      `${source}: ${picture.width} x ${picture.height}` + (picture.scaledDown ? " (scaled down on loading)" : "");
    const method = Number(select.value);
    const scale = Number(document.getElementById("scale").value);
    try {
      const r = upsample(method, scale, picture, true);
      draw(document.getElementById("result"), r, zoom);
      const time =
        r.ms === 0
          ? `the clock did not move in ${r.calls} calls`
          : (r.ms >= 1 ? `${r.ms.toFixed(2)} ms` : `${(r.ms * 1000).toFixed(1)} µs`) + ` per call (mean of ${r.calls})`;
      document.getElementById("result-caption").textContent =
        `${methodName(method)} x${scale}: ${r.width} x ${r.height}, ${time}`;
      status.textContent = "";
      status.className = "";
    } catch (e) {
      status.textContent = e.message;
      status.className = "error";
    }
  };
  select.addEventListener("change", update);
  document.getElementById("scale").addEventListener("change", update);
  document.getElementById("file").addEventListener("change", async (event) => {
    const file = event.target.files[0];
    if (!file) return;
    const url = URL.createObjectURL(file);
    try {
      picture = await load(url);
      source = file.name;
      update();
    } catch (e) {
      status.textContent = `could not read ${file.name}: ${e.message}`;
      status.className = "error";
    } finally {
      URL.revokeObjectURL(url);
    }
  });
  // `?picture=URL` (same origin) starts from that picture, through the
  // same path as a picked file: scripts/test-web.sh uses it.
  const url = query.get("picture");
  if (url) {
    status.textContent = `Reading ${url}…`;
    load(url)
      .then((loaded) => {
        picture = loaded;
        source = url;
        update();
      })
      .catch((e) => {
        status.textContent = `could not read ${url}: ${e.message}`;
        status.className = "error";
      })
      .finally(report);
  } else {
    update();
    report();
  }
}

if (new URLSearchParams(location.search).has("selftest")) selftest();
else page();
