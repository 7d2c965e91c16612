// `express4` is an npm alias of Express 4, installed so the suite runs against both majors. Its API is the
// one `@types/express` describes for the calls these tests make.
declare module 'express4' {
  import express from 'express';
  export default express;
}
