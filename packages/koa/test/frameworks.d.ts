// `koa2` is an npm alias of Koa 2, installed so the suite runs against both majors. Its API is the one
// `@types/koa` describes for the calls these tests make.
declare module 'koa2' {
  import Koa from 'koa';
  export default Koa;
}
